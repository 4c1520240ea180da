import Dispatch
import HTTP1
import Logging

/// What every connection shares: settings, router, compute pool and its cost model, upload
/// budget, metrics, logger, drain state.
final class ServerCore: Sendable {
    let configuration: ServerConfiguration
    let router: Router
    let pool: ComputePool
    let uploads: UploadBudget
    let costs: CostModel
    /// Spaces light answers while heavy work is queued (nil: `lightRate` 0).
    let lightPacer: LightPacer?
    let metrics: ServerMetrics
    let serializer: ResponseSerializer
    let logger: Logger
    let lifecycle: Lifecycle
    /// The 503 answers, made once: under overload most requests get one, so it must be cheap.
    let computeQueueFull: HTTPResponse
    let uploadBudgetFull: HTTPResponse
    let queueDelayOverTarget: HTTPResponse

    init(
        configuration: ServerConfiguration, router: Router, pool: ComputePool, metrics: ServerMetrics,
        lifecycle: Lifecycle, logger: Logger,
        costs: CostModel = CostModel()
    ) {
        self.costs = costs
        self.configuration = configuration
        self.router = router
        self.metrics = metrics
        self.lifecycle = lifecycle
        self.logger = logger
        self.pool = pool
        lightPacer = configuration.lightPacer
        uploads = UploadBudget(limitBytes: max(configuration.uploadBudgetBytes, configuration.limits.maxBodyBytes))
        serializer = ResponseSerializer(corsOrigin: configuration.corsOrigin)
        let retryAfter = configuration.retryAfterSeconds
        computeQueueFull =
            HTTPError.overloaded("the compute queue is full; retry later", retryAfterSeconds: retryAfter).response
        queueDelayOverTarget =
            HTTPError.overloaded(
                "the compute queue's expected wait is over what this request may wait (\(configuration.queueDelayTarget), "
                    + "or \(configuration.queueDelayFactor) times its estimated work); retry later",
                retryAfterSeconds: retryAfter
            ).response
        uploadBudgetFull =
            HTTPError.overloaded(
                "too many request bodies are arriving at once; retry later", retryAfterSeconds: retryAfter
            ).response
    }

    func shedResponse(_ reason: ShedReason) -> HTTPResponse {
        switch reason {
        case .queueFull: computeQueueFull
        case .queueDelay: queueDelayOverTarget
        case .uploadBudget: uploadBudgetFull
        }
    }

    var isDraining: Bool { lifecycle.isDraining }

    func connectionClosed() { lifecycle.connectionClosed() }

    /// One structured line per answered request.
    func logResponse(_ exchange: Exchange?, status: Int, bytesOut: Int) {
        let seconds = exchange.map { Double(DispatchTime.now().uptimeNanoseconds &- $0.started) / 1e9 } ?? 0
        let method = exchange?.head.method ?? "-"
        let route = exchange?.routeLabel ?? "unmatched"
        // Labels stay a small set: any method token may arrive, only known ones become series.
        let methodLabel = Router.knownMethods.contains(HTTPMethod(rawValue: method)) ? method : "other"
        metrics.requestFinished(route: route, method: methodLabel, status: status, seconds: seconds)
        guard logger.logLevel <= .info else { return }
        var fields: Logger.Metadata = [
            "method": "\(method)", "path": "\(exchange?.head.path ?? "-")", "status": "\(status)",
            "duration_ms": "\(Int((seconds * 1000).rounded()))",
            "bytes_in": "\(exchange?.bytesIn ?? 0)", "bytes_out": "\(bytesOut)",
        ]
        if let key = exchange?.route?.grant?.keyName { fields["key"] = "\(key)" }  // the key's name (AccessControl)
        logger.info("request", metadata: fields)
    }

    /// One line per request whose client vanished before its answer was delivered.
    func logAbort(_ exchange: Exchange?, during phase: String) {
        guard logger.logLevel <= .info else { return }
        logger.info(
            "client aborted",
            metadata: [
                "method": "\(exchange?.head.method ?? "-")", "path": "\(exchange?.head.path ?? "-")",
                "during": "\(phase)",
            ])
    }
}
