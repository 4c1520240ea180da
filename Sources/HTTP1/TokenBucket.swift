/// A token bucket (RFC 2697's single rate, without colours): `burst` tokens, refilled at `rate` per
/// second; each request takes one. Pure: the caller passes the time and holds any lock.
public struct TokenBucket: Sendable, Equatable {
    public let limit: RateLimit
    private(set) var tokens: Double
    private var updated: Double

    /// A full bucket at time `now` (seconds on any monotonic clock).
    public init(_ limit: RateLimit, now: Double) {
        self.limit = limit
        self.tokens = limit.burst
        self.updated = now
    }

    /// Takes one token at `now`: nil when it was there, else the seconds until one will be.
    public mutating func take(now: Double) -> Double? {
        refill(now: now)
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return (1 - tokens) / limit.rate
    }

    private mutating func refill(now: Double) {
        guard now > updated else { return }  // a clock that stepped back adds nothing
        tokens = min(limit.burst, tokens + (now - updated) * limit.rate)
        updated = now
    }
}
