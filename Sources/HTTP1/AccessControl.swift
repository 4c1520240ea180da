import Synchronization

/// The key file's keys and each key's token bucket: decides from a request's header section
/// whether a route may run (README.md "API keys"). The router consults it after
/// matching a route and before anything else (415, the body, compute admission).
///
/// Thread-safe: one lock around the keys and buckets, held for a few comparisons; `replace` swaps
/// the keys at once (SIGHUP), so a request sees the old set or the new one, never a mix.
public final class AccessControl: Sendable {
    /// The realm named in `WWW-Authenticate` (RFC 6750 §3).
    public static let realm = "convgrad"
    /// The longest key there can be (the key file refuses longer ones). A longer token is refused
    /// unread, so a client cannot make every request compare 8 KiB against each of 1,000 keys.
    public static let maximumKeyBytes = 256

    private struct State {
        var keys: [APIKey]
        var buckets: [String: TokenBucket]
    }

    private let state: Mutex<State>
    /// Seconds on a monotonic clock; tests pass their own.
    private let clock: @Sendable () -> Double

    public init(keys: [APIKey], clock: @escaping @Sendable () -> Double = AccessControl.monotonicSeconds) {
        self.clock = clock
        let now = clock()
        state = Mutex(State(keys: keys, buckets: Self.buckets(for: keys, keeping: [:], now: now)))
    }

    /// The keys' names, in file order.
    public var keyNames: [String] { state.withLock { $0.keys.map(\.name) } }

    /// Swaps in a new key set. A key whose name and limit stay keeps its bucket, so a reload
    /// neither refills nor empties it; the others start full.
    public func replace(keys: [APIKey]) {
        let now = clock()
        state.withLock { state in
            state.buckets = Self.buckets(for: keys, keeping: state.buckets, now: now)
            state.keys = keys
        }
    }

    /// The grant for a request to `route`, or its 401, 403 or 429.
    public func authorize(_ headers: HTTPHeaders, for route: Route) -> Result<AccessGrant, HTTPError> {
        let token: [UInt8]
        switch BearerToken.parse(headers) {
        case .success(let bytes) where bytes.count <= Self.maximumKeyBytes: token = bytes
        case .success: return .failure(.unauthorized(route, presented: true))
        case .failure(.missing): return .failure(.unauthorized(route, presented: false))
        case .failure(.malformed): return .failure(.unauthorized(route, presented: true))
        }
        let now = clock()
        return state.withLock { state -> Result<AccessGrant, HTTPError> in
            guard let key = Self.key(matching: token, in: state.keys) else {
                return .failure(.unauthorized(route, presented: true))
            }
            guard !key.scopes.isDisjoint(with: route.scopes) else {
                return .failure(.forbidden(route, keyName: key.name, has: key.scopes))
            }
            if let wait = state.buckets[key.name]?.take(now: now) {
                return .failure(.rateLimited(keyName: key.name, retryAfterSeconds: Int(wait.rounded(.up))))
            }
            return .success(AccessGrant(keyName: key.name, scopes: key.scopes))
        }
    }

    /// The key whose secret is `token`. Every key is compared, whatever matched before, each in
    /// constant time (`ConstantTime.equals`).
    private static func key(matching token: [UInt8], in keys: [APIKey]) -> APIKey? {
        var found: APIKey?
        for key in keys {
            let same = ConstantTime.equals(token, key.secret)
            if same, found == nil { found = key }
        }
        return found
    }

    private static func buckets(for keys: [APIKey], keeping old: [String: TokenBucket], now: Double) -> [String:
        TokenBucket]
    {
        var buckets: [String: TokenBucket] = [:]
        for key in keys {
            guard let limit = key.rateLimit else { continue }
            if let kept = old[key.name], kept.limit == limit {
                buckets[key.name] = kept
            } else {
                buckets[key.name] = TokenBucket(limit, now: now)
            }
        }
        return buckets
    }

    /// Seconds since an arbitrary start, on the continuous (monotonic) clock.
    public static let monotonicSeconds: @Sendable () -> Double = {
        let start = ContinuousClock.now
        return {
            let (seconds, attoseconds) = (ContinuousClock.now - start).components
            return Double(seconds) + Double(attoseconds) * 1e-18
        }
    }()
}
