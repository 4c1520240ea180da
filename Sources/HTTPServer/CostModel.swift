import Synchronization

/// The expected compute time of a request, from what the server knows before it runs: its route
/// and its body size. Learned from the requests that ran: one exponentially weighted mean of the
/// CPU seconds their handler's thread took (`ThreadClock`: work, not the wall time a busy machine
/// stretches) per (route, power-of-two body size) class, as a load balancer keeps per-backend
/// latency. A class with no sample yet borrows the nearest smaller learned class, scaled by size,
/// else `prior`.
///
/// Edge cases: a body of 0 bytes is class 0; sizes past 2^40 share the last class; a job that
/// reports a negative or non-finite time is ignored.
final class CostModel: Sendable {
    /// The key of a cost class.
    struct Key: Hashable, Sendable {
        var route: String
        var sizeClass: Int
    }

    /// Weight of the newest sample in the running mean.
    static let weight = 0.2
    static let sizeClasses = 41

    /// Seconds expected of a class never seen, per body byte and per request (JSON read at about
    /// 50 MB/s plus a fixed hand-off: docs/RELIABILITY.md, "Admission by time").
    static let priorSecondsPerByte = 20e-9
    static let priorSeconds = 50e-6

    private let means = Locked<[Key: Double]>([:])

    init() {}

    static func key(route: String, bodyBytes: Int) -> Key {
        let size = max(0, bodyBytes)
        let sizeClass = size == 0 ? 0 : min(sizeClasses - 1, Int.bitWidth - size.leadingZeroBitCount)
        return Key(route: route, sizeClass: sizeClass)
    }

    /// Expected seconds of compute for a request to `route` with a body of `bodyBytes`.
    func estimate(route: String, bodyBytes: Int) -> Double {
        let key = Self.key(route: route, bodyBytes: bodyBytes)
        let learned = means.withLock { means -> (Double, Int)? in
            if let mean = means[key] { return (mean, key.sizeClass) }
            for sizeClass in stride(from: key.sizeClass - 1, through: 0, by: -1) {
                if let mean = means[Key(route: route, sizeClass: sizeClass)] { return (mean, sizeClass) }
            }
            return nil
        }
        guard let (mean, sizeClass) = learned else { return Self.prior(bodyBytes) }
        // A smaller class's mean, scaled by the size ratio of the two classes (work grows at least with the bytes).
        return mean * Double(1 << max(0, key.sizeClass - sizeClass))
    }

    /// The learned mean of exactly this class, if any request of it has run.
    func learned(route: String, bodyBytes: Int) -> Double? {
        let key = Self.key(route: route, bodyBytes: bodyBytes)
        return means.withLock { $0[key] }
    }

    static func prior(_ bodyBytes: Int) -> Double { priorSeconds + priorSecondsPerByte * Double(max(0, bodyBytes)) }

    /// Records that a request of this class took `seconds` to compute.
    func record(_ key: Key, seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        means.withLock { means in
            means[key] = means[key].map { $0 + Self.weight * (seconds - $0) } ?? seconds
        }
    }
}
