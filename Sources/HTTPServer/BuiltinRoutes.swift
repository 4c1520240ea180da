import HTTP1

/// The routes the server answers itself, inline (never behind compute): liveness, readiness
/// (503 while draining), and Prometheus metrics (scope `metrics` when access control is on).
enum BuiltinRoutes {
    static func routes(metrics: ServerMetrics, lifecycle: Lifecycle, pool: ComputePool) -> [Route] {
        [
            Route(.get, "/healthz", lane: .inline) { _, _ in .json(.ok, Array(#"{"status":"ok"}"#.utf8)) },
            Route(.get, "/readyz", lane: .inline) { _, _ in
                guard !lifecycle.isDraining else {
                    return HTTPError.overloaded("the server is draining", retryAfterSeconds: 1).response
                }
                return .json(.ok, Array(#"{"status":"ready"}"#.utf8))
            },
            Route(.get, "/metrics", lane: .inline) { _, _ in
                metrics.setQueueDepth(pool.queueDepth)
                return HTTPResponse(
                    status: .ok, headers: HTTPHeaders([("Content-Type", "text/plain; version=0.0.4; charset=utf-8")]),
                    body: metrics.render())
            }.requiring(.metrics),
        ]
    }
}
