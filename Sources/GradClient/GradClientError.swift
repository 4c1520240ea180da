/// Why a request got no usable answer. The three cases callers act on differently are separate:
/// no server to talk to, a server that answered with an error status, and no answer in time.
public enum GradClientError: Error, Sendable, CustomStringConvertible {
    /// No connection could be made: refused, host not found, or the connect timeout passed.
    case cannotConnect(url: String, reason: String)
    /// The server answered with a non-2xx status (thrown by `HTTPResponse.requireSuccess()`).
    case httpStatus(HTTPResponse)
    /// Connected, but the whole exchange did not finish within the total timeout.
    case timedOut(url: String, reason: String)
    /// Any other transfer failure, with libcurl's code (`CURLcode`) and message: a connection reset
    /// mid-response, a malformed response, a malformed URL.
    case transfer(url: String, code: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotConnect(let url, let reason): return "cannot connect to \(url): \(reason)"
        case .httpStatus(let response): return "HTTP \(response.status): \(response.text)"
        case .timedOut(let url, let reason): return "timed out waiting for \(url): \(reason)"
        case .transfer(let url, let code, let reason): return "transfer to \(url) failed (curl \(code)): \(reason)"
        }
    }
}
