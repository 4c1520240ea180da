import Dispatch
import HTTP1

/// One serial Dispatch queue driving many connections, with their read buffer and deadline sweep.
///
/// Everything here is touched only on `queue` (that is why it is `@unchecked Sendable`).
final class EventLoop: @unchecked Sendable {
    let queue: DispatchQueue
    /// Reused for every read on this loop; connections keep no receive buffer of their own.
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
    private var connections: [ObjectIdentifier: Connection] = [:]
    private var sweepTimer: DispatchSourceTimer?
    private var cachedDate: (second: Int, text: String) = (-1, "")

    init(index: Int) {
        queue = DispatchQueue(label: "gradserver.loop.\(index)")
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
    }

    func add(_ connection: Connection) { connections[ObjectIdentifier(connection)] = connection }
    func remove(_ connection: Connection) { connections[ObjectIdentifier(connection)] = nil }

    /// Every connection on this loop (for draining and stopping).
    var all: [Connection] { Array(connections.values) }

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
