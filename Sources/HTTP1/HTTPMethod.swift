/// A request method (RFC 9110 §9) as routes name it: `.get`, `.post`. The request line's token is
/// read as it came (`HTTPRequest.method`); a literal such as `"POST"` also reads as a method, for tests.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }

    public static let get = HTTPMethod(rawValue: "GET")
    public static let head = HTTPMethod(rawValue: "HEAD")
    public static let post = HTTPMethod(rawValue: "POST")
    public static let put = HTTPMethod(rawValue: "PUT")
    public static let delete = HTTPMethod(rawValue: "DELETE")
    public static let connect = HTTPMethod(rawValue: "CONNECT")
    public static let options = HTTPMethod(rawValue: "OPTIONS")
    public static let trace = HTTPMethod(rawValue: "TRACE")
    public static let patch = HTTPMethod(rawValue: "PATCH")
    /// The registered safe method with a body.
    public static let query = HTTPMethod(rawValue: "QUERY")

    public var description: String { rawValue }
}
