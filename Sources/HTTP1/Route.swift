/// What a handler knows of the connection while it runs.
public struct RequestContext: Sendable {
    /// True once the client has gone; long work should stop at its next checkpoint.
    public var isCancelled: @Sendable () -> Bool

    public init(isCancelled: @escaping @Sendable () -> Bool = { false }) { self.isCancelled = isCancelled }
}

public typealias Handler = @Sendable (HTTPRequest, RequestContext) -> HTTPResponse

/// Where a route's handler runs.
public enum Lane: Sendable {
    /// On the connection's own queue, at once: health, readiness, metrics, small static bodies.
    case inline
    /// On the fixed compute pool behind the bounded queue; shed with 503 when the queue is full.
    case compute
}

/// One method + path and the handler that answers it.
public struct Route: Sendable {
    public var method: String
    public var path: String
    public var lane: Lane
    public var handler: Handler

    public init(_ method: String, _ path: String, lane: Lane, handler: @escaping Handler) {
        self.method = method; self.path = path; self.lane = lane; self.handler = handler
    }
}
