/// The answers of access control (README.md "API keys"), with the
/// `WWW-Authenticate` challenge of RFC 6750 §3. None of them names or echoes a key.
extension HTTPError {
    /// 401 `unauthorized`. Without credentials the challenge carries no error code (RFC 6750 §3.1);
    /// with a key that is unknown or not a b64token, `error="invalid_token"`.
    static func unauthorized(_ route: Route, presented: Bool) -> HTTPError {
        var challenge = #"Bearer realm="\#(AccessControl.realm)""#
        let message: String
        if presented {
            challenge += #", error="invalid_token", error_description="unknown API key""#
            message = "\(route.method) \(route.path) needs a valid API key; the key sent is not one of this server's"
        } else {
            message = "\(route.method) \(route.path) needs an API key: send Authorization: Bearer <key>"
        }
        return HTTPError(
            .unauthorized, "unauthorized", message, closes: false,
            headers: HTTPHeaders([("WWW-Authenticate", challenge)]))
    }

    /// 403 `forbidden`, naming the scopes that would admit the route and the key's own.
    static func forbidden(_ route: Route, keyName: String, has scopes: Set<AccessScope>) -> HTTPError {
        let needed = route.scopes.map(\.rawValue)
        let held = scopes.isEmpty ? "no scope" : scopes.sorted().map(\.rawValue).joined(separator: ", ")
        let message =
            "\(route.method) \(route.path) needs scope \(needed.joined(separator: " or ")); the key '\(keyName)' has \(held)"
        return forbidden(message, scopes: needed)
    }

    /// 403 `forbidden` with the RFC 6750 §3.1 `insufficient_scope` challenge listing `scopes`.
    public static func forbidden(_ message: String, scopes: [String]) -> HTTPError {
        let challenge =
            #"Bearer realm="\#(AccessControl.realm)", error="insufficient_scope", scope="\#(scopes.joined(separator: " "))""#
        return HTTPError(
            .forbidden, "forbidden", message, closes: false, headers: HTTPHeaders([("WWW-Authenticate", challenge)]))
    }

    /// 429 `rate_limited` with `Retry-After` (RFC 6585 §4): the key's token bucket is empty.
    static func rateLimited(keyName: String, retryAfterSeconds: Int) -> HTTPError {
        let seconds = max(1, retryAfterSeconds)
        return HTTPError(
            .tooManyRequests, "rate_limited", "the key '\(keyName)' is over its rate limit; retry after \(seconds) s",
            closes: false, headers: HTTPHeaders([("Retry-After", String(seconds))]))
    }
}
