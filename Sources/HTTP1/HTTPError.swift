/// A protocol or routing failure that the server answers itself, as JSON.
///
/// This is the one place where framing and routing errors become a response body:
/// `{"error":{"code":"…","message":"…"}}`.
public struct HTTPError: Error, Sendable, Equatable {
    public var status: HTTPStatus
    /// A stable, machine-readable code such as `bad_request` or `too_large`.
    public var code: String
    /// One sentence saying what was expected and what was found.
    public var message: String
    /// True when the connection cannot be trusted afterwards (framing is lost): "+close".
    public var closesConnection: Bool
    /// Extra response fields, e.g. `Allow` on 405 or `Retry-After` on 503.
    public var headers: HTTPHeaders

    public init(
        _ status: HTTPStatus, _ code: String, _ message: String, closes: Bool = true,
        headers: HTTPHeaders = HTTPHeaders()
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.closesConnection = closes
        self.headers = headers
    }

    /// The JSON response for this error.
    public var response: HTTPResponse {
        var response = HTTPResponse.json(status, Array(jsonBody.utf8))
        for (name, value) in headers { response.headers.set(name, value) }
        return response
    }

    var jsonBody: String {
        #"{"error":{"code":"\#(JSONString.escape(code))","message":"\#(JSONString.escape(message))"}}"#
    }
}

extension HTTPError {
    public static func badRequest(_ message: String) -> HTTPError { HTTPError(.badRequest, "bad_request", message) }
    public static func requestTimeout(_ message: String) -> HTTPError {
        HTTPError(.requestTimeout, "request_timeout", message)
    }
    public static func tooLarge(_ message: String) -> HTTPError { HTTPError(.contentTooLarge, "too_large", message) }
    public static func uriTooLong(_ message: String) -> HTTPError { HTTPError(.uriTooLong, "uri_too_long", message) }
    public static func unsupportedMediaType(_ message: String) -> HTTPError {
        HTTPError(.unsupportedMediaType, "unsupported_media_type", message, closes: false)
    }
    public static func expectationFailed(_ message: String) -> HTTPError {
        HTTPError(.expectationFailed, "expectation_failed", message)
    }
    public static func headersTooLarge(_ message: String) -> HTTPError {
        HTTPError(.headerFieldsTooLarge, "headers_too_large", message)
    }
    public static func notFound(_ path: String) -> HTTPError {
        HTTPError(.notFound, "not_found", "no route for \(path)", closes: false)
    }
    public static func methodNotAllowed(_ method: String, allowed: [String]) -> HTTPError {
        HTTPError(
            .methodNotAllowed, "method_not_allowed",
            "\(method) is not allowed here; allowed: \(allowed.joined(separator: ", "))",
            closes: false, headers: HTTPHeaders([("Allow", allowed.joined(separator: ", "))]))
    }
    public static func notImplemented(_ message: String, closes: Bool = false) -> HTTPError {
        HTTPError(.notImplemented, "not_implemented", message, closes: closes)
    }
    public static func versionNotSupported(_ message: String) -> HTTPError {
        HTTPError(.httpVersionNotSupported, "http_version_not_supported", message)
    }
    /// 503 with `Retry-After` (RFC 9110 §10.2.3): the work queue is full or the server is draining.
    public static func overloaded(_ message: String, retryAfterSeconds: Int = 1) -> HTTPError {
        HTTPError(
            .serviceUnavailable, "overloaded", message, closes: false,
            headers: HTTPHeaders([("Retry-After", String(retryAfterSeconds))]))
    }
}

/// JSON string escaping (RFC 8259 §7) for the few strings the HTTP layer writes itself.
enum JSONString {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
