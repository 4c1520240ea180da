/// One HTTP request to send: a method, a path below the client's base URL, extra header fields and
/// an optional body.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path and query, starting with `/` (`/backward`, `/healthz`).
    public var path: String
    /// Extra header fields, sent in order. A field with an empty value removes the one libcurl would
    /// add by itself (`("Content-Type", "")` sends a POST without a Content-Type; `("Expect", "")`
    /// turns off `Expect: 100-continue`).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?

    public init(method: String, path: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// `GET path`.
    public static func get(_ path: String) -> HTTPRequest {
        HTTPRequest(method: "GET", path: path)
    }

    /// `POST path` with a JSON body and `Content-Type: application/json`.
    public static func post(_ path: String, json body: [UInt8]) -> HTTPRequest {
        HTTPRequest(method: "POST", path: path, headers: [("Content-Type", "application/json")], body: body)
    }
}
