import Dispatch
import HTTP1

/// The request cycle: head -> route -> admission -> body -> handler -> response.
extension Connection {
    /// Parses and answers what has arrived, one request at a time, in order (pipelining).
    func processInput() {
        guard !processing else { return }
        processing = true
        defer { processing = false }
        while machine.parsesInput, let event = parser.next() {
            switch event {
            case .head(let head): begin(head)
            case .request(let request): dispatch(request)
            case .failure(let error): respond(error.response, close: true)
            }
        }
    }

    /// Decides from the header section alone: reject, answer at once, shed, or read the body
    /// (after `100 Continue` if the client waits for it, RFC 9110 §10.1.1).
    private func begin(_ head: RequestHead) {
        core.metrics.requestStarted()
        let exchange = Exchange(head: head)
        self.exchange = exchange
        machine.headReceived(now: exchange.started)
        switch core.router.resolve(head) {
        case .reject(let error):
            answerBeforeBody(error.response, head, closes: error.closesConnection)
        case .respond(let response):
            answerBeforeBody(response, head, closes: false)
        case .handle(let route):
            exchange.route = route
            if route.lane == .compute {
                guard admitCompute(exchange) else { return }
            }
            if head.expectsContinue && head.hasBody { send(ResponseSerializer.continueResponse) }
        }
    }

    /// A compute request is let in from its header section when the pool would admit its
    /// estimated work (ComputePool: by expected queueing delay) and its body fits the upload
    /// budget; otherwise it is shed before any body byte is read. The compute place itself is
    /// taken once the body is complete, so a slow upload never holds one.
    private func admitCompute(_ exchange: Exchange) -> Bool {
        let head = exchange.head
        let admission = core.pool.admission(
            cost: core.costs.estimate(route: exchange.routeLabel, bodyBytes: declaredBodyBytes(head)))
        guard admission == .admitted else {
            shed(head, ShedReason(admission))
            return false
        }
        guard let upload = core.uploads.tryTake(declaredBodyBytes(head)) else {
            shed(head, .uploadBudget)
            return false
        }
        exchange.upload = upload
        return true
    }

    /// What a body will occupy: its `Content-Length`, or for a chunked one the largest allowed.
    private func declaredBodyBytes(_ head: RequestHead) -> Int {
        switch head.framing {
        case .none: 0
        case .length(let length): length
        case .chunked: core.configuration.limits.maxBodyBytes
        }
    }

    /// 503 + Retry-After, before any body byte is read.
    private func shed(_ head: RequestHead, _ reason: ShedReason) {
        core.metrics.requestShed(reason)
        answerBeforeBody(core.shedResponse(reason), head, closes: false)
    }

    /// An answer decided from the header section alone, before any body byte is read: the machine
    /// decides whether the body is dropped to keep the connection.
    private func answerBeforeBody(_ response: HTTPResponse, _ head: RequestHead, closes: Bool) {
        perform(
            machine.answeredBeforeBody(
                framing: head.framing, expectsContinue: head.expectsContinue, closes: closes,
                wanted: keepAliveWanted(close: false), now: Self.now),
            answering: response)
    }

    /// A request's body is complete: the machine sends it to its handler, here or on the pool. A
    /// request answered from its header section (its body discarded) has no exchange any more and
    /// is skipped.
    private func dispatch(_ request: HTTPRequest) {
        guard let exchange, let route = exchange.route else { return }
        exchange.bytesIn = parser.completedRequestByteCount
        exchange.request = request
        if route.lane == .compute { keepUploadBytes(of: request, exchange) }
        perform(machine.requestComplete(run: placement(of: request, on: route)))
    }

    /// Where a handler runs: built-in routes on the event loop; a compute request of a class
    /// measured under `inlineCutoff` (a lesson's 4x4 example: microseconds) on the event loop too,
    /// without a thread hand-off; the others on the pool, queued by their estimate.
    private func placement(of request: HTTPRequest, on route: Route) -> ConnectionMachine.Run {
        guard route.lane == .compute else { return .inline }
        let key = CostModel.key(route: route.path, bodyBytes: request.body.count)
        if let learned = core.costs.learned(route: key.route, bodyBytes: request.body.count),
            learned < core.configuration.inlineCutoff.seconds
        {
            return .inlineCompute
        }
        return .pool
    }

    /// The `runInline` action: the handler runs now, on this loop.
    func runInline() {
        guard let exchange, let request = exchange.request, let route = exchange.route else { return }
        exchange.request = nil
        let context = Self.context(exchange)
        guard route.lane == .compute else { return finish(route.handler(request, context)) }
        exchange.lane = .light
        let key = CostModel.key(route: exchange.routeLabel, bodyBytes: request.body.count)
        finish(Self.timed(route.handler, request, context, key, core.costs))
    }

    private static func context(_ exchange: Exchange) -> RequestContext {
        let cancellation = exchange.cancellation
        return RequestContext(isCancelled: { cancellation.isCancelled })
    }

    /// A body stays counted in the upload budget until its job ends, so the bodies held in memory,
    /// arriving or queued, stay under `uploadBudgetBytes` whatever the queue admits by time. A
    /// chunked body's claim (the largest body allowed) shrinks to its real size.
    private func keepUploadBytes(of request: HTTPRequest, _ exchange: Exchange) {
        guard case .chunked = exchange.head.framing else { return }
        exchange.upload?.release()
        exchange.upload = core.uploads.tryTake(request.body.count)
    }

    /// The `submit` action: queues the compute request on the pool by its estimate, or sheds it
    /// now (the pool filled up while the body arrived: the body is read, the connection stays).
    func submit() {
        guard let exchange, let request = exchange.request, let route = exchange.route else { return }
        exchange.request = nil  // the job holds it from here
        let key = CostModel.key(route: exchange.routeLabel, bodyBytes: request.body.count)
        let cost = core.costs.estimate(route: key.route, bodyBytes: request.body.count)
        guard let place = core.pool.tryReserve(cost: cost) else {
            let reason = ShedReason(core.pool.admission(cost: cost))
            core.metrics.requestShed(reason)
            return respond(core.shedResponse(reason), close: false)
        }
        exchange.computePlace = place
        exchange.submitted = true
        exchange.lane = core.pool.policy.lane(cost)
        let (costs, upload, context) = (core.costs, exchange.upload, Self.context(exchange))
        core.pool.submit(place, cost: cost) { [self] in
            let response = Self.timed(route.handler, request, context, key, costs)
            // The job is the body's last holder (the exchange let go of it): a large one is kept.
            LargeBuffers.shared.giveBack(request.body)
            // The place is free before the answer can reach the client, whose next request may need it.
            place.release()
            upload?.release()
            loop.queue.async { self.finish(response) }
        }
    }

    /// Runs a compute handler and teaches the cost model the CPU time it took.
    private static func timed(
        _ handler: Handler, _ request: HTTPRequest, _ context: RequestContext, _ key: CostModel.Key,
        _ costs: CostModel
    ) -> HTTPResponse {
        let started = ThreadClock.seconds()
        let response = handler(request, context)
        costs.record(key, seconds: ThreadClock.seconds() - started)
        return response
    }

    /// The handler's answer; dropped with the connection if the client has gone meanwhile.
    private func finish(_ response: HTTPResponse) {
        guard let exchange else { return }
        perform(
            machine.handlerFinished(
                cancelled: exchange.cancellation.isCancelled, wanted: keepAliveWanted(close: false), now: Self.now),
            answering: response)
    }

    /// The client vanished before its answer was delivered: one counter increment, and the
    /// handler is told through `RequestContext.isCancelled`.
    func abortExchange() {
        guard let exchange, !exchange.answered else { return }
        core.metrics.clientAborted()
        exchange.cancellation.cancel()
        core.logAbort(exchange, during: state == .handling ? "compute" : "request")
    }

    /// Answers the current request (or a framing failure): "+close" when `close`, else as the
    /// machine decides.
    func respond(_ response: HTTPResponse, close: Bool) {
        perform(machine.responseReady(wanted: keepAliveWanted(close: close), now: Self.now), answering: response)
    }

    /// The request and the server allow keep-alive (not draining, no framing error).
    private func keepAliveWanted(close: Bool) -> Bool {
        !close && (exchange?.head.keepAlive ?? false) && !core.isDraining
    }

    /// Bodies up to this size are copied behind their head and go out in one send; larger ones
    /// (bigconv's 65 MB answer) are sent from the handler's buffer, which spares a copy and, above
    /// glibc's mmap threshold, a fresh mapping faulted in page by page (docs/PERFORMANCE.md).
    static let copiedBodyBytes = 65_536

    /// The `write` action: serializes the answer with its `Connection` header and writes it.
    func write(_ response: HTTPResponse, keepAlive: Bool) {
        let framing = ResponseFraming(
            isHead: exchange?.head.method == HTTPMethod.head.rawValue, keepAlive: keepAlive, date: loop.date())
        var bytes = core.serializer.head(response, framing: framing)
        let headBytes = bytes.count
        let sendsBody = core.serializer.sendsBody(response, framing: framing)
        let bodyBytes = sendsBody ? response.body.count : 0
        // A small body joins its head (one send); a large one is written from its own buffer.
        if sendsBody && bodyBytes <= Self.copiedBodyBytes { bytes.append(contentsOf: response.body) }
        pendingResponse = PendingResponse(
            exchange: takeExchange(), status: response.status.code, bytesOut: headBytes + bodyBytes)
        send(bytes, then: sendsBody && bodyBytes > Self.copiedBodyBytes ? response.body : nil)
    }

    /// Ends the current exchange's claim on the connection and gives back what it holds (upload
    /// bytes; its compute place unless the pool holds it).
    private func takeExchange() -> Exchange? {
        guard let exchange else { return nil }
        exchange.answered = true
        if exchange.bytesIn == 0 { exchange.bytesIn = parser.requestByteCount }
        exchange.releasePlaces()
        self.exchange = nil
        return exchange
    }

    /// The response is fully written: it counts as answered (metrics, one log line).
    private func delivered() {
        guard let pending = pendingResponse else { return }
        pendingResponse = nil
        if pending.exchange != nil { core.metrics.requestEnded() }
        core.logResponse(pending.exchange, status: pending.status, bytesOut: pending.bytesOut)
    }

    /// The response could not be delivered (reset, a client that stops reading, a stop): one abort.
    func abandonResponse() {
        guard let pending = pendingResponse else { return }
        pendingResponse = nil
        if pending.exchange != nil { core.metrics.requestEnded() }
        core.metrics.clientAborted()
        core.logAbort(pending.exchange, during: "response")
    }

    /// After a response is out: next request, or "+close" (shut the write side, read briefly so
    /// the client sees the response rather than a reset, RFC 9112 §9.6).
    ///
    /// While heavy work waits, a light answer reserves a slot of the server's `LightPacer`, and the
    /// connection's next request is parsed at that slot: light answers go out at most `lightRate`
    /// a second, shared by all connections. The connection keeps reading meanwhile (the loop's one
    /// pacing timer ends the wait), and the wait does not count against the client's deadlines
    /// (PhaseClock).
    func writeFinished() {
        guard state == .writing else { return }
        let light = pendingResponse?.exchange?.lane == .light
        delivered()
        let now = Self.now
        let pacing = light && core.pool.hasHeavyWork ? core.lightPacer?.reserve(at: now) : nil
        if let pacing, pacing > 0 { core.metrics.lightAnswerPaced() }
        perform(machine.writeDone(canLinger: readsWatched, pacing: pacing, now: now))
    }

    /// The pacing time is over: the next request is parsed.
    func paceEnded() { perform(machine.paceEnded(now: Self.now)) }
}
