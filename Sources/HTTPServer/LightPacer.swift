import Synchronization

/// Spaces light answers while heavy work is queued: at most `rate` a second across the server, a
/// burst of `burst` at once, whatever the number of connections asking. It is the generic cell
/// rate algorithm (GCRA, ITU-T I.371's virtual scheduling; a token bucket kept as one time): each
/// light answer reserves the next slot of the schedule, and its connection's next request waits
/// for that slot.
///
/// A student who thinks between clicks finds the schedule in the past and never waits; clients
/// looping on tiny requests with no pause share `rate` between them, so they cannot take the
/// CPU that queued heavy work (a grader's batch) is waiting for. Without it the HTTP path around
/// such a flood, not its handlers, took the graders' CPU (docs/RELIABILITY.md, the graders phase).
final class LightPacer: Sendable {
    /// Nanoseconds between slots (1 / rate).
    let interval: UInt64
    /// How far the schedule may run ahead of now before an answer waits (burst x interval).
    let tolerance: UInt64
    /// The theoretical arrival time of the next slot, monotonic nanoseconds.
    private let schedule = Mutex<UInt64>(0)

    /// `rate` answers per second (> 0), `burst` >= 1.
    init(rate: Double, burst: Int) {
        interval = UInt64(max(1, (1e9 / rate).rounded()))
        tolerance = interval * UInt64(max(0, burst - 1))
    }

    /// Reserves a slot for the next request of a connection whose light answer just went out at
    /// `now`: how long (nanoseconds) that request waits for it; 0 within the rate.
    func reserve(at now: UInt64) -> UInt64 {
        schedule.withLock { next in
            let slot = max(next, now)
            next = slot &+ interval
            let allowed = now &+ tolerance
            return slot > allowed ? slot - allowed : 0
        }
    }
}
