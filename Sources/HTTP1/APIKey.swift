/// One named key of the key file (README.md "API keys").
public struct APIKey: Sendable {
    /// Shown in logs, metrics and 403 messages; the secret never is.
    public var name: String
    /// The bearer token's bytes, compared in constant time (`ConstantTime.equals`).
    public var secret: [UInt8]
    public var scopes: Set<AccessScope>
    /// Requests per second with a burst, or nil for no limit.
    public var rateLimit: RateLimit?

    public init(name: String, secret: [UInt8], scopes: Set<AccessScope>, rateLimit: RateLimit? = nil) {
        self.name = name
        self.secret = secret
        self.scopes = scopes
        self.rateLimit = rateLimit
    }
}

extension APIKey: CustomStringConvertible, CustomDebugStringConvertible {
    /// The name and scopes only: a key printed by mistake (a log line, a test failure) shows no secret.
    public var description: String {
        "APIKey(\(name), scopes: \(scopes.sorted().map(\.rawValue).joined(separator: " ")))"
    }
    public var debugDescription: String { description }
}

/// A token bucket's shape: `rate` tokens per second refill a bucket of `burst` tokens.
public struct RateLimit: Sendable, Equatable {
    public var rate: Double
    public var burst: Double

    /// `rate` > 0; `burst` >= 1 (one request must always be possible). A missing burst is the
    /// rate rounded up: one second's worth.
    public init(rate: Double, burst: Double? = nil) {
        self.rate = rate
        self.burst = burst ?? max(1, rate.rounded(.up))
    }
}

/// Comparison whose time depends only on the length of the presented token, never on where the
/// bytes first differ or on the stored secret: a client timing its 401s learns nothing of a key.
public enum ConstantTime {
    /// True when `presented` equals `secret`. Every byte of `presented` is read and folded in; the
    /// secret is indexed modulo its length (never empty: the key file parser requires 16 bytes).
    @inline(never)
    public static func equals(_ presented: [UInt8], _ secret: [UInt8]) -> Bool {
        guard !secret.isEmpty else { return false }
        var difference = UInt64(truncatingIfNeeded: presented.count ^ secret.count)
        for i in presented.indices {
            difference |= UInt64(presented[i] ^ secret[i % secret.count])
        }
        return difference == 0
    }
}
