import Dispatch
import HTTP1
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.1 server on POSIX sockets and Dispatch: one listening socket, connections
/// spread over a few serial queues, compute routes on a fixed pool behind a bounded queue.
///
/// It owns `/healthz`, `/readyz` and `/metrics`; every other route comes from the caller.
public final class Server: Sendable {
    public let configuration: ServerConfiguration
    let core: ServerCore
    private let loops: [EventLoop]
    private let acceptQueue = DispatchQueue(label: "gradserver.accept")
    private let listener = ListenerSlot()
    private let nextLoop = Atomic<Int>(0)

    /// Throws when an event loop cannot get its epoll set (out of descriptors or memory).
    public init(configuration: ServerConfiguration, routes: [Route], logger: Logger = Logger(label: "gradserver"))
        throws
    {
        self.configuration = configuration
        let metrics = ServerMetrics(info: configuration.infoLabels)
        let lifecycle = Lifecycle()
        let pool = ComputePool(
            workers: configuration.workers, queueDepth: configuration.queueDepth, nice: configuration.computeNice,
            policy: configuration.admissionPolicy, lightWorkers: configuration.lightWorkers,
            onStart: { lane, waited in metrics.queueDelayed(lane, seconds: waited) })
        let router = Router(
            routes: routes + BuiltinRoutes.routes(metrics: metrics, lifecycle: lifecycle, pool: pool),
            access: configuration.accessControl)
        core = ServerCore(
            configuration: configuration, router: router, pool: pool, metrics: metrics, lifecycle: lifecycle,
            logger: logger)
        loops = try (0..<max(1, configuration.eventLoops)).map { try EventLoop(index: $0) }
    }

    /// Binds, listens and starts accepting; returns the bound port (useful with port 0).
    @discardableResult
    public func start() throws -> Int {
        Socket.ignoreSIGPIPE()
        let (fd, port) = try Socket.listen(
            host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: acceptQueue)
        source.setEventHandler { [self] in acceptPending(fd) }
        source.setCancelHandler { [self] in
            Glibc.close(fd)
            listenerClosed()
        }
        acceptQueue.sync {
            listener.source = source
            listener.fd = fd
        }
        let sweep = Self.sweepInterval(configuration)
        for loop in loops { loop.queue.async { loop.startSweeping(every: sweep) } }
        startTrimming()
        source.resume()
        return port
    }

    /// A server left idle gives freed heap back to the OS once: after `idleTrimDelay` with no new
    /// request and nothing in flight. Never while requests keep coming, since memory kept between
    /// requests is what spares the next one its page faults (gradserver keeps freed memory on purpose).
    private func startTrimming() {
        let timer = DispatchSource.makeTimerSource(queue: acceptQueue)
        timer.schedule(deadline: .now() + .seconds(1), repeating: .seconds(1), leeway: .milliseconds(250))
        let state = Locked((started: 0, quietSince: DispatchTime.now().uptimeNanoseconds, trimmed: true))
        let delay = configuration.idleTrimDelay.nanoseconds
        let releaseCaches = configuration.releaseCachesWhenIdle
        timer.setEventHandler { [core] in
            let now = DispatchTime.now().uptimeNanoseconds
            let started = core.metrics.requestsStarted
            let idle = core.metrics.requestsInFlight == 0  // a long request may outlast the delay
            let due = state.withLock { state -> Bool in
                if started != state.started {
                    state = (started, now, false)
                    return false
                }
                guard idle, !state.trimmed, now &- state.quietSince >= delay else { return false }
                state.trimmed = true
                return true
            }
            guard due else { return }
            releaseCaches()
            LargeBuffers.shared.releaseAll()
            GlibcMalloc.releaseFreeMemory()
        }
        timer.resume()
        listener.trimTimer = timer
    }

    /// A quarter of the shortest deadline, at most a second.
    static func sweepInterval(_ c: ServerConfiguration) -> Duration {
        min(.seconds(1), [c.headerTimeout, c.bodyTimeout, c.idleTimeout, c.sendTimeout, c.lingerTimeout].min()! / 4)
    }

    /// True until a drain begins (what `/readyz` reports).
    public var isReady: Bool { !core.isDraining }

    /// Open client connections.
    public var connectionCount: Int { core.lifecycle.connectionCount }

    private func acceptPending(_ listenFD: Int32) {
        do {
            while let fd = try Socket.accept(listenFD) {
                core.lifecycle.connectionAccepted()
                let loop = loops[nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue % loops.count]
                let connection = Connection(fd: fd, loop: loop, core: core)
                loop.queue.async { connection.start() }
            }
        } catch {
            pauseAccepting(after: error)
        }
    }

    /// Out of file descriptors (EMFILE) or similar: the pending connection stays in the backlog;
    /// stop polling the listener for a moment instead of spinning on it.
    private func pauseAccepting(after error: any Error) {
        core.logger.warning("accept failed; pausing 100 ms", metadata: ["error": "\(error)"])
        listener.pause()
        acceptQueue.asyncAfter(deadline: .now() + .milliseconds(100)) { [self] in
            listener.resume()
            if let fd = listener.fd { acceptPending(fd) }  // what queued meanwhile raises no new event
        }
    }

    /// Graceful shutdown: readiness off now; after the grace the listener closes and idle
    /// connections are closed; in-flight requests finish with `Connection: close`; then `done`.
    public func drain(then done: @escaping @Sendable () -> Void) {
        core.lifecycle.beginDraining(then: done)
        let grace = Int(configuration.drainGrace.nanoseconds)
        acceptQueue.asyncAfter(deadline: .now() + .nanoseconds(grace)) { [self] in
            closeListener()
        }
    }

    /// Stops at once: listener, every connection, the pool's workers (tests use it).
    public func stop() {
        acceptQueue.sync {
            closeListener()
            listener.trimTimer?.cancel()
        }
        for loop in loops {
            loop.queue.sync {
                for connection in loop.all { connection.close() }
                loop.stopSweeping()
            }
        }
        core.pool.stop()
    }

    /// Shuts the door, accepts what the kernel already queued (those clients were let in, and may
    /// have sent a request), then stops listening; with the door shut first, no connection can
    /// land in the queue between the last accept and the close (which would reset it).
    private func closeListener() {
        guard let fd = listener.fd else {
            return core.lifecycle.listenerDidClose()  // never started: nothing to wait for
        }
        if !Socket.refuseNewConnections(fd) {
            core.logger.warning(
                "could not shut the listener's door; connections arriving during the close may be reset")
        }
        acceptPending(fd)
        _ = listener.close()
    }

    /// Runs once the listening socket is closed: from now on no connection can arrive.
    private func listenerClosed() {
        for loop in loops { loop.queue.async { for connection in loop.all { connection.closeIfIdle() } } }
        core.lifecycle.listenerDidClose()
    }
}

/// The listening socket's read source; touched only on the accept queue (hence `@unchecked Sendable`).
final class ListenerSlot: @unchecked Sendable {
    var source: DispatchSourceRead?
    var fd: Int32?
    /// The idle-memory trim timer, stopped with the server.
    var trimTimer: DispatchSourceTimer?
    private var paused = false

    func pause() {
        guard let source, !paused else { return }
        paused = true
        source.suspend()
    }

    func resume() {
        guard let source, paused else { return }
        paused = false
        source.resume()
    }

    /// Cancels the source (its cancel handler closes the socket); false if already closed.
    func close() -> Bool {
        guard let source else { return false }
        self.source = nil
        fd = nil
        source.cancel()
        if paused {
            paused = false
            source.resume()
        }
        return true
    }
}
