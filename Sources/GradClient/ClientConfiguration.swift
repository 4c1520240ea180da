/// Timeouts and identity of a `Client`.
public struct ClientConfiguration: Sendable {
    /// Longest wait for the TCP connection (CURLOPT_CONNECTTIMEOUT_MS).
    public var connectTimeout: Duration = .seconds(5)
    /// Longest wait for a whole request and response, connect included (CURLOPT_TIMEOUT_MS).
    public var totalTimeout: Duration = .seconds(60)
    /// The `User-Agent` header.
    public var userAgent: String = "gradclient/1"
    /// Sent as `Authorization: Bearer <key>` on every request that sets no `Authorization` of its
    /// own, for a server with access control on (README.md "API keys"); nil sends none.
    public var apiKey: String?

    public init(
        connectTimeout: Duration = .seconds(5), totalTimeout: Duration = .seconds(60),
        userAgent: String = "gradclient/1",
        apiKey: String? = nil
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.userAgent = userAgent
        self.apiKey = apiKey
    }
}

extension Duration {
    /// Whole milliseconds, at least 1 (libcurl reads 0 as "no timeout").
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
