/// One HTTP response: the final status, its header fields in the order received, and the body.
public struct HTTPResponse: Sendable {
    /// The final status code (never a 1xx).
    public var status: Int
    /// The final response's header fields, in order, names as the server wrote them.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Interim 1xx statuses received before the final one, e.g. `[100]` after `Expect: 100-continue`.
    public var interimStatuses: [Int] = []
    /// Whether the request went over a connection kept alive from an earlier request.
    public var reusedConnection: Bool = false
    /// The local TCP port of the connection used: equal ports on one client mean one connection.
    public var localPort: Int = 0
    /// Seconds from the start of the request to the end of the response (CURLINFO_TOTAL_TIME_T).
    public var elapsedSeconds: Double = 0
    /// Seconds from the start of the request until the request was about to be sent
    /// (CURLINFO_PRETRANSFER_TIME_T: connected, nothing written yet).
    public var requestStartSeconds: Double = 0
    /// Seconds from the start of the request until the first byte of the response, an interim
    /// `100 Continue` included (CURLINFO_STARTTRANSFER_TIME_T). After `Expect: 100-continue`,
    /// `firstByteSeconds - requestStartSeconds` is how long the body waited to be sent.
    public var firstByteSeconds: Double = 0

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The body decoded as UTF-8 (invalid sequences become U+FFFD).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The value of the first header field named `name`, compared case-insensitively (RFC 9110 §5.1).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// This response if it is 2xx; otherwise throws `GradClientError.httpStatus` carrying it.
    public func requireSuccess() throws(GradClientError) -> HTTPResponse {
        guard isSuccess else { throw .httpStatus(self) }
        return self
    }
}
