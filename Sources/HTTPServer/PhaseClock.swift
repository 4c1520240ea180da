/// How long a connection's current phase (idle, head, body, write, linger) has lasted, in
/// monotonic nanoseconds, not counting the time the server itself paused reading: a deadline
/// measures the client's slowness, never the server's (issue 20).
///
/// Edge cases: a `now` read before the phase began (a deadline sweep reads the clock once, then
/// a connection's own probe may start a new phase) gives 0 elapsed, never a wrapped-around
/// 2^64 ns; pausing twice or resuming while running changes nothing.
struct PhaseClock: Equatable {
    /// When the phase began.
    private(set) var start: UInt64
    /// Paused time since `start`, excluding a pause still running.
    private var pausedTotal: UInt64 = 0
    /// When the running pause began, if reading is paused now.
    private var pausedSince: UInt64?

    init(start: UInt64) { self.start = start }

    /// A new phase begins at `now`; a pause in force goes on counting from `now`.
    mutating func begin(at now: UInt64) {
        start = now
        pausedTotal = 0
        if pausedSince != nil { pausedSince = now }
    }

    mutating func pause(at now: UInt64) {
        guard pausedSince == nil else { return }
        pausedSince = max(now, start)
    }

    mutating func resume(at now: UInt64) {
        guard let since = pausedSince else { return }
        pausedSince = nil
        pausedTotal += now > since ? now - since : 0
    }

    var isPaused: Bool { pausedSince != nil }

    /// Time the phase has run at `now`, pauses included (the send and linger deadlines); 0 for a
    /// `now` before the phase began.
    func wallElapsed(at now: UInt64) -> UInt64 { now > start ? now - start : 0 }

    /// Time the phase has run at `now`, pauses excluded; 0 for a `now` before the phase began.
    func elapsed(at now: UInt64) -> UInt64 {
        let until = min(now, pausedSince ?? now)
        guard until > start else { return 0 }
        let total = until - start
        return total > pausedTotal ? total - pausedTotal : 0
    }
}
