import ConvEngine
import HTTP1
import JSONCodec

/// A request the API refuses, and the one place such a refusal becomes an HTTP response.
///
/// The body is `{"error": {"code", "message", "path"?}}` (openapi.yaml, `Error`); `path` names the one
/// place in the request at fault, e.g. `layers[2].kernel_size`.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: HTTPStatus
    /// A stable machine-readable code: `invalid_json`, `too_large`, `shape_mismatch`, ...
    public var code: ErrorCode
    /// What was expected and what was found.
    public var message: String
    public var path: String?
    /// Extra response headers, e.g. `Retry-After` on a 503.
    public var headers: [(name: String, value: String)] = []

    public init(status: HTTPStatus, code: ErrorCode, message: String, path: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String { "\(status) \(code)" + (path.map { " at \($0)" } ?? "") + ": \(message)" }

    /// The error as the contract writes it.
    public var response: HTTPResponse {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("error")
        writer.beginObject()
        writer.key("code")
        writer.string(code.rawValue)
        writer.key("message")
        writer.string(message)
        if let path {
            writer.key("path")
            writer.string(path)
        }
        writer.endObject()
        writer.endObject()
        var response = HTTPResponse.json(status, writer.bytes)
        for header in headers { response.headers.set(header.name, header.value) }
        return response
    }

    public static func == (lhs: APIError, rhs: APIError) -> Bool {
        lhs.status == rhs.status && lhs.code == rhs.code && lhs.message == rhs.message && lhs.path == rhs.path
    }
}

extension APIError {
    /// 422 with a specific code: valid JSON that is not a valid problem.
    public static func invalid(_ code: ErrorCode, _ message: String, at path: JSONPath?) -> APIError {
        APIError(
            status: .unprocessableContent, code: code, message: message,
            path: path.flatMap { $0 == .root ? nil : $0.description })
    }

    /// 422 `wrong_type`: "layers[0].stride must be an integer or [h, w]; found a string".
    public static func wrongType(at path: JSONPath, expected: String, found value: JSONValue) -> APIError {
        invalid(
            .wrongType,
            "\(path == .root ? "the body" : path.description) must be \(expected); found \(describe(value))", at: path)
    }

    /// An engine error as the contract writes it: 413 for `too_large` (a size past the engine's
    /// 2^31 elements), 422 for every other code.
    public init(engine error: EngineError, at path: JSONPath?) {
        self =
            error.code == .tooLarge
            ? APIError.tooLarge(error.message, at: path) : APIError.invalid(error.code, error.message, at: path)
    }

    /// 413 `too_large`: a tensor or the estimated work is over a configured limit.
    public static func tooLarge(_ message: String, at path: JSONPath? = nil) -> APIError {
        APIError(status: .contentTooLarge, code: .tooLarge, message: message, path: path?.description)
    }

    /// 400 `invalid_json` with the byte offset where parsing stopped.
    public static func invalidJSON(_ error: JSONParseError) -> APIError {
        APIError(
            status: .badRequest, code: .invalidJSON,
            message: "the body is not JSON: \(error.message) at byte \(error.offset)")
    }

    /// "1 dim", "3 dims".
    static func dims(_ count: Int) -> String { count == 1 ? "1 dim" : "\(count) dims" }

    /// How a value reads in a message: its JSON type, with the value when it is short.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .number(let n): return "the number \(n)"
        case .string(let s): return s.utf8.count <= 40 ? "the string \"\(s)\"" : "a string"
        case .array(let elements): return elements.isEmpty ? "an empty array" : "an array of \(elements.count)"
        case .numbers(let numbers): return "an array of \(numbers.count) numbers"
        case .numberBlock(let block): return "an array of \(block.shape[0])"
        case .object: return "an object"
        }
    }
}
