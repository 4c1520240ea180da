/// Maps a request head to a route, or to the answer the server gives itself: 404, 405 with
/// `Allow`, 501 for unknown methods, 415 for a wrong media type, 204 for an OPTIONS preflight.
/// With access control on, also 401, 403 and 429 (`AccessControl`). No sockets: decided from the
/// header section alone, before any body byte is read and before compute admission.
public struct Router: Sendable {
    /// What to do with a request.
    public enum Resolution: Sendable {
        /// Run this route's handler (for HEAD, the GET route's).
        case handle(Route)
        /// Answer at once with this response (a preflight); nothing is queued.
        case respond(HTTPResponse)
        /// Answer with this error.
        case reject(HTTPError)
    }

    /// Methods of RFC 9110 §9, PATCH (RFC 5789) and QUERY (the registered safe method with a body);
    /// any other is 501 (§9.1).
    public static let knownMethods: Set<HTTPMethod> = [
        .get, .head, .post, .put, .delete, .connect, .options, .trace, .patch, .query,
    ]

    /// Seconds a browser may cache a preflight answer.
    public static let preflightMaxAge = 7_200

    private var routesByPath: [String: [HTTPMethod: Route]] = [:]
    /// The keys routes with scopes are checked against; nil: every route is open.
    public let access: AccessControl?

    public init(routes: [Route], access: AccessControl? = nil) {
        self.access = access
        for route in routes { routesByPath[route.path, default: [:]][route.method] = route }
    }

    /// Every route, the first of each method and path.
    public var routes: [Route] { routesByPath.values.flatMap(\.values) }

    public func resolve(_ head: RequestHead) -> Resolution {
        resolve(method: head.method, path: head.path, headers: head.headers)
    }

    public func resolve(method token: String, path: String, headers: HTTPHeaders) -> Resolution {
        let method = HTTPMethod(rawValue: token)
        guard Self.knownMethods.contains(method) else {
            return .reject(.notImplemented("the method \(token) is not implemented"))
        }
        if method == .options { return preflight(path: path, headers: headers) }
        guard let byMethod = routesByPath[path] else { return .reject(.notFound(path)) }
        guard let route = byMethod[method] ?? (method == .head ? byMethod[.get] : nil) else {
            return .reject(.methodNotAllowed(token, allowed: allowedMethods(byMethod)))
        }
        var admitted = route
        if let access, !route.scopes.isEmpty {
            switch access.authorize(headers, for: route) {
            case .success(let grant): admitted = route.granting(grant)
            case .failure(let error): return .reject(error)
            }
        }
        if let error = mediaTypeError(route, headers: headers) { return .reject(error) }
        return .handle(admitted)
    }

    /// The methods a path answers: its routes', HEAD with GET, and OPTIONS.
    func allowedMethods(_ byMethod: [HTTPMethod: Route]) -> [String] {
        var methods = Set(byMethod.keys)
        if methods.contains(.get) { methods.insert(.head) }
        methods.insert(.options)
        let order: [HTTPMethod] = [.get, .head, .post, .put, .patch, .delete, .options]
        return (order.filter(methods.contains) + methods.subtracting(order).sorted { $0.rawValue < $1.rawValue }).map(
            \.rawValue)
    }

    /// 415 unless `Content-Type`'s media type is the route's (`MediaType.mismatch`).
    private func mediaTypeError(_ route: Route, headers: HTTPHeaders) -> HTTPError? {
        guard let accepted = route.acceptedMediaType else { return nil }
        return MediaType.mismatch(
            method: route.method.rawValue, path: route.path, accepted: accepted, contentType: headers["Content-Type"])
    }

    /// OPTIONS: 204 with the CORS preflight fields (Fetch standard §3.2.2) and `Allow`; never queued.
    private func preflight(path: String, headers: HTTPHeaders) -> Resolution {
        let allowed: [String]
        if path == "*" {
            allowed = allowedMethods(routesByPath.values.reduce(into: [:]) { $0.merge($1) { first, _ in first } })
        } else if let byMethod = routesByPath[path] {
            allowed = allowedMethods(byMethod)
        } else {
            return .reject(.notFound(path))
        }
        let requested =
            headers["Access-Control-Request-Headers"].flatMap(Self.headerList)
            ?? (access == nil ? "Content-Type" : "Content-Type, Authorization")
        let list = allowed.joined(separator: ", ")
        return .respond(
            HTTPResponse(
                status: .noContent,
                headers: HTTPHeaders([
                    ("Allow", list),
                    ("Access-Control-Allow-Methods", list),
                    ("Access-Control-Allow-Headers", requested),
                    ("Access-Control-Max-Age", String(Self.preflightMaxAge)),
                ])))
    }

    /// The requested header names if they are a clean token list, to echo back.
    private static func headerList(_ value: String) -> String? {
        let names = value.split(separator: ",").map { $0.trimmingWhitespace() }
        guard !names.isEmpty, names.allSatisfy({ ASCII.isToken(Array($0.utf8)) }) else { return nil }
        return names.joined(separator: ", ")
    }
}
