/// How one response is framed on its connection.
public struct ResponseFraming: Sendable {
    /// A HEAD request: the same fields as GET, no body (RFC 9110 §9.3.2).
    public var isHead: Bool
    /// Whether the connection stays open after this response (announced either way, which
    /// HTTP/1.0 keep-alive needs).
    public var keepAlive: Bool
    /// The `Date` value, IMF-fixdate.
    public var date: String

    public init(isHead: Bool = false, keepAlive: Bool = true, date: String) {
        self.isHead = isHead
        self.keepAlive = keepAlive
        self.date = date
    }
}

/// Turns a response into bytes, adding the fields every response carries: `Content-Length`,
/// `Date`, `Connection`, `Content-Type` and the CORS fields.
public struct ResponseSerializer: Sendable {
    /// `Access-Control-Allow-Origin` on every response.
    public var corsOrigin: String

    public init(corsOrigin: String = "*") { self.corsOrigin = corsOrigin }

    /// `HTTP/1.1 100 Continue` (RFC 9110 §15.2.1), sent before reading a body the client held back.
    public static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Framing fields the serializer owns; a handler's values for them are replaced.
    private static let owned: Set<String> = ["content-length", "transfer-encoding", "connection", "date", "keep-alive"]

    public func serialize(_ response: HTTPResponse, framing: ResponseFraming) -> [UInt8] {
        var bytes = head(response, framing: framing)
        if sendsBody(response, framing: framing) { bytes.append(contentsOf: response.body) }
        return bytes
    }

    /// The status line and header section, blank line included: what precedes the body. A server
    /// writes the body after it from the response's own buffer (a 65 MB answer is not copied).
    public func head(_ response: HTTPResponse, framing: ResponseFraming) -> [UInt8] {
        let bodyless = response.status.forbidsBody
        var head = "HTTP/1.1 \(response.status.code) \(response.status.reason)\r\n"
        head += "Date: \(framing.date)\r\n"
        for (name, value) in response.headers where !Self.owned.contains(name.lowercased()) {
            head += "\(name): \(value)\r\n"
        }
        if !bodyless && response.headers["Content-Type"] == nil { head += "Content-Type: application/json\r\n" }
        if response.headers["Access-Control-Allow-Origin"] == nil {
            head += "Access-Control-Allow-Origin: \(corsOrigin)\r\n"
            if corsOrigin != "*" { head += "Vary: Origin\r\n" }
        }
        if response.headers["Access-Control-Expose-Headers"] == nil {
            head += "Access-Control-Expose-Headers: Retry-After\r\n"
        }
        if !bodyless { head += "Content-Length: \(response.body.count)\r\n" }
        head += connectionField(framing)
        head += "\r\n"
        return Array(head.utf8)
    }

    /// Whether the body's bytes follow the head: not for a status that forbids a body (1xx, 204,
    /// 304), nor in answer to HEAD.
    public func sendsBody(_ response: HTTPResponse, framing: ResponseFraming) -> Bool {
        !response.status.forbidsBody && !framing.isHead
    }

    private func connectionField(_ framing: ResponseFraming) -> String {
        framing.keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n"
    }
}
