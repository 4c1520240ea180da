import Dispatch
import HTTP1

/// One serial Dispatch queue driving many connections, with their readiness set, read buffer and
/// deadline sweep.
///
/// Everything here is touched only on `queue` (that is why it is `@unchecked Sendable`).
final class EventLoop: @unchecked Sendable {
    let queue: DispatchQueue
    /// Tells the loop's connections when they have bytes to read (one Dispatch source for all).
    let poller: ReadinessPoller
    /// Reused for every read on this loop; connections keep no receive buffer of their own.
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
    /// By socket descriptor: the poller reports descriptors.
    private var connections: [Int32: Connection] = [:]
    private var sweepTimer: DispatchSourceTimer?
    private var cachedDate: (second: Int, text: String) = (-1, "")
    /// Connections waiting out their light pacing, in due order: their slots come from one
    /// schedule (LightPacer), a later reservation never before an earlier one, so the order they
    /// arrive in is the order they are due in.
    private var paced: [(connection: Connection, due: UInt64)] = []
    private var pacingTimer: DispatchSourceTimer?
    /// Times the pacing timer fired (tests: one timer at a time, not one per answer and growing).
    private(set) var pacingFires = 0

    init(index: Int) throws {
        queue = DispatchQueue(label: "gradserver.loop.\(index)")
        poller = try ReadinessPoller(queue: queue)
        poller.onReadable = { [unowned self] fd in connections[fd]?.readAvailable() }
    }

    deinit { scratch.deallocate() }

    /// Checks every connection's deadline each `interval` (a quarter of the shortest deadline).
    func startSweeping(every interval: Duration) {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let nanos = Int(max(interval.nanoseconds, 10_000_000))
        timer.schedule(
            deadline: .now() + .nanoseconds(nanos), repeating: .nanoseconds(nanos), leeway: .milliseconds(10))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            let now = DispatchTime.now().uptimeNanoseconds
            for connection in Array(connections.values) { connection.checkDeadlines(now: now) }
        }
        timer.resume()
        sweepTimer = timer
    }

    func stopSweeping() {
        sweepTimer?.cancel()
        sweepTimer = nil
        pacingTimer?.cancel()
        pacingTimer = nil
    }

    func add(_ connection: Connection) { connections[connection.fd] = connection }

    func remove(_ connection: Connection) {
        if connections[connection.fd] === connection { connections[connection.fd] = nil }
    }

    /// Every connection on this loop (for draining and stopping).
    var all: [Connection] { Array(connections.values) }

    /// Ends `connection`'s pacing at `due` (monotonic nanoseconds), with one timer for the loop.
    /// The timer is armed for the head of `paced` whenever `paced` is not empty.
    func pace(_ connection: Connection, until due: UInt64) {
        paced.append((connection, due))
        if paced.count == 1 { armPacingTimer(for: due) }
    }

    /// One timer source for the loop, rescheduled for each due time with a 0.1 ms leeway
    /// (`asyncAfter` allows a tenth of the delay and at least 1 ms: late slots, longer waits).
    private func armPacingTimer(for due: UInt64) {
        let timer = pacingTimer ?? makePacingTimer()
        timer.schedule(deadline: DispatchTime(uptimeNanoseconds: due), repeating: .never, leeway: .microseconds(100))
    }

    private func makePacingTimer() -> DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { [weak self] in self?.endDuePacing() }
        timer.resume()
        pacingTimer = timer
        return timer
    }

    /// Ends the pacing of every connection now due, then arms the timer for the head of what is
    /// left. A connection released here may be paced again at once (its answer went out): its
    /// slot is later than the head's, so the timer is rescheduled for the head, whoever armed it.
    private func endDuePacing() {
        pacingFires += 1
        let now = DispatchTime.now().uptimeNanoseconds
        let dueCount = paced.firstIndex { $0.due > now } ?? paced.count
        let due = paced[..<dueCount].map(\.connection)
        paced.removeFirst(dueCount)
        for connection in due { connection.paceEnded() }
        if let next = paced.first { armPacingTimer(for: next.due) }
    }

    /// The `Date` field value, formatted once per second.
    func date() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let second = Int(now.tv_sec)
        if second != cachedDate.second { cachedDate = (second, IMFDate.format(secondsSince1970: second)) }
        return cachedDate.text
    }
}

#if canImport(Glibc)
    import Glibc
#endif
