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
    /// The connection on each watched descriptor (paused ones included). A descriptor is removed
    /// from the set before it is closed, so a number the kernel reuses never meets an old event.
    private var connections: [Int32: Connection] = [:]
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

    /// Starts telling `connection` when its descriptor has bytes, a FIN or an error.
    func watch(_ fd: Int32, for connection: Connection) {
        connections[fd] = connection
        control(EPOLL_CTL_ADD, fd)
    }

    /// Stops telling (back-pressure); `resume` tells again, at once if bytes are waiting.
    func pause(_ fd: Int32) { control(EPOLL_CTL_DEL, fd) }

    func resume(_ fd: Int32) { control(EPOLL_CTL_ADD, fd) }

    /// Forgets the descriptor; call before closing it. `paused`: it is out of the set already.
    func unwatch(_ fd: Int32, paused: Bool) {
        if !paused { control(EPOLL_CTL_DEL, fd) }
        connections[fd] = nil
    }

    private func control(_ operation: Int32, _ fd: Int32) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.fd = fd
        // Fails only for a descriptor already closed or never added; the connection then learns
        // of its end from its next read or write, as it would have with a Dispatch source.
        _ = epoll_ctl(epoll, operation, fd, &event)
    }

    /// Every readable connection reads; a full batch is followed by another at once.
    private func dispatchReady() {
        while true {
            let count = epoll_wait(epoll, events, Self.batch, 0)
            guard count > 0 else { return }
            for i in 0..<Int(count) { connections[events[i].data.fd]?.readAvailable() }
            guard count == Self.batch else { return }
        }
    }
}
