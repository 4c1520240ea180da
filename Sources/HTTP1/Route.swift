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
    /// The media type a request body must have (`Content-Type`, parameters such as `charset`
    /// ignored), checked from the header section before the body is read (415 otherwise);
    /// nil accepts any. POST routes default to `application/json`.
    public var acceptedMediaType: String?

    public init(_ method: String, _ path: String, lane: Lane, handler: @escaping Handler) {
        self.init(method, path, lane: lane, accepts: method == "POST" ? "application/json" : nil, handler: handler)
    }

    public init(_ method: String, _ path: String, lane: Lane, accepts mediaType: String?, handler: @escaping Handler) {
        self.method = method; self.path = path; self.lane = lane; self.handler = handler
        self.acceptedMediaType = mediaType?.lowercased()
    }
}
