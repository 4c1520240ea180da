/// How the body of a request is delimited (RFC 9112 §6.3).
public enum BodyFraming: Sendable, Equatable {
    /// No body: neither `Content-Length` nor `Transfer-Encoding`.
    case none
    /// Exactly this many bytes follow the header section.
    case length(Int)
    /// `Transfer-Encoding: chunked`.
    case chunked
}

/// The request line and header section of a request, validated, before its body is read.
public struct RequestHead: Sendable {
    public var method: String
    public var target: String
    /// `(1, 0)` or `(1, 1)`; any later 1.x is treated as 1.1.
    public var version: (major: Int, minor: Int)
    public var headers: HTTPHeaders
    public var framing: BodyFraming
    /// Whether the connection may carry another request after this one (RFC 9112 §9.3).
    public var keepAlive: Bool
    /// `Expect: 100-continue` on HTTP/1.1 (RFC 9110 §10.1.1).
    public var expectsContinue: Bool

    /// The target's path, without the query.
    public var path: String {
        target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
    }

    /// True when body bytes follow the header section.
    public var hasBody: Bool {
        switch framing {
        case .none, .length(0): false
        case .length, .chunked: true
        }
    }

    /// The whole request, once its body has been read.
    public func request(body: [UInt8]) -> HTTPRequest {
        HTTPRequest(method: method, target: target, version: version, headers: headers, body: body)
    }
}
