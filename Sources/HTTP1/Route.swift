/// What a handler knows of the connection while it runs.
public struct RequestContext: Sendable {
    /// True once the client has gone; long work should stop at its next checkpoint.
    public var isCancelled: @Sendable () -> Bool
    /// The API key that admitted the request (its name and scopes), or nil when access control is
    /// off. Handlers whose answer depends on the scope (POST /grade and `grade:hidden`) read it.
    public var grant: AccessGrant?

    public init(isCancelled: @escaping @Sendable () -> Bool = { false }, grant: AccessGrant? = nil) {
        self.isCancelled = isCancelled
        self.grant = grant
    }
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
    public var method: HTTPMethod
    public var path: String
    public var lane: Lane
    public var handler: Handler
    /// The media type a request body must have (`Content-Type`, parameters such as `charset`
    /// ignored), checked from the header section before the body is read (415 otherwise);
    /// nil accepts any. POST routes default to `application/json`.
    public var acceptedMediaType: String?
    /// The scopes any one of which admits a request when access control is on (README.md "API
    /// keys"); empty: open to every client (the page, health, the spec).
    public private(set) var scopes: [AccessScope] = []
    /// The grant that admitted this request, set by the router (`granting`): what the request log
    /// names (the key's `name`, never the key).
    public private(set) var grant: AccessGrant?

    public init(_ method: HTTPMethod, _ path: String, lane: Lane, handler: @escaping Handler) {
        self.init(method, path, lane: lane, accepts: method == .post ? "application/json" : nil, handler: handler)
    }

    public init(
        _ method: HTTPMethod, _ path: String, lane: Lane, accepts mediaType: String?, handler: @escaping Handler
    ) {
        self.method = method
        self.path = path
        self.lane = lane
        self.handler = handler
        self.acceptedMediaType = mediaType?.lowercased()
    }
}

extension Route {
    /// This route, admitted by a key holding any of `scopes`.
    public func requiring(_ scopes: AccessScope...) -> Route {
        var route = self
        route.scopes = scopes
        return route
    }

    /// This route with `grant` handed to its handler in `RequestContext.grant`.
    func granting(_ grant: AccessGrant) -> Route {
        var route = self
        let handler = self.handler
        route.grant = grant
        route.handler = { request, context in
            var context = context
            context.grant = grant
            return handler(request, context)
        }
        return route
    }
}
