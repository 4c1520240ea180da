import CEpoll
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// The sockets of one event loop that wait for bytes, in one epoll(7) set, watched by one Dispatch
/// read source on the loop's queue.
///
/// Why not a Dispatch read source per connection: on Linux, libdispatch re-arms a source through
/// its manager thread after every handler run (`_dispatch_mgr_queue_push` writes the manager's
/// eventfd), so each request cost two extra thread hand-offs; in a profile of the lesson's example
/// under a 32-connection flood, the manager thread and those writes took 13% of the server's
/// samples and context switches another 15% (docs/PERFORMANCE.md, "The light path"). Here one
/// wake-up serves every connection that became readable meanwhile.
///
/// Edge-triggered, as libdispatch's sources are on Linux: a connection is told once per arrival and
/// reads until EAGAIN (`Connection.readAvailable`). All calls on the loop's queue.
final class ReadinessPoller: @unchecked Sendable {
    private let epoll: Int32
    private let queue: DispatchQueue
    private var source: DispatchSourceRead?
    /// Called with each descriptor that has bytes, a FIN or an error (the loop reads that
    /// connection). A descriptor leaves the set before it is closed, so a number the kernel reuses
    /// never meets an old event.
    var onReadable: (Int32) -> Void = { _ in }
    private let events: UnsafeMutablePointer<epoll_event>
    private static let batch: Int32 = 64

    struct CreateError: Error, CustomStringConvertible {
        let errno: Int32
        var description: String { "epoll_create1 failed: \(String(cString: strerror(errno)))" }
    }

    init(queue: DispatchQueue) throws {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw CreateError(errno: errno) }
        self.queue = queue
        events = .allocate(capacity: Int(Self.batch))
        let source = DispatchSource.makeReadSource(fileDescriptor: epoll, queue: queue)
        source.setEventHandler { [weak self] in self?.dispatchReady() }
        // Dispatch may still watch the descriptor until the cancellation is processed.
        source.setCancelHandler { [epoll] in _ = Glibc.close(epoll) }
        source.resume()
        self.source = source
    }

    deinit {
        source?.cancel()
        events.deallocate()
    }

    /// Starts telling when the descriptor has bytes, a FIN or an error; `resume` after `pause`.
    func watch(_ fd: Int32) { control(EPOLL_CTL_ADD, fd) }

    /// Stops telling (back-pressure, pacing, or before the descriptor is closed); `watch` again
    /// tells at once if bytes are waiting.
    func unwatch(_ fd: Int32) { control(EPOLL_CTL_DEL, fd) }

    private func control(_ operation: Int32, _ fd: Int32) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.fd = fd
        // Fails only for a descriptor already closed or never added; the connection then learns
        // of its end from its next read or write, as it would have with a Dispatch source.
        _ = epoll_ctl(epoll, operation, fd, &event)
    }

    /// Every readable connection reads. After a full batch the next one waits its turn on the
    /// queue, behind the loop's timers (deadlines, pacing) and answers coming back from compute.
    private func dispatchReady() {
        let count = epoll_wait(epoll, events, Self.batch, 0)
        guard count > 0 else { return }
        for i in 0..<Int(count) { onReadable(events[i].data.fd) }
        if count == Self.batch { queue.async { [weak self] in self?.dispatchReady() } }
    }
}
