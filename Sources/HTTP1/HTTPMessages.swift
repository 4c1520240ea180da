/// One parsed HTTP/1.1 request with its whole body.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target as sent, e.g. `/backward?x=1`.
    public var target: String
    /// `(1, 1)` or `(1, 0)`.
    public var version: (major: Int, minor: Int)
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(
        method: String, target: String, version: (major: Int, minor: Int) = (1, 1),
        headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The target's path, without the query.
    public var path: String {
        target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
    }
}

/// A response before framing; the serializer adds `Content-Length`, `Date` and `Connection`.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON body with `Content-Type: application/json`.
    public static func json(_ status: HTTPStatus, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: body)
    }
}
