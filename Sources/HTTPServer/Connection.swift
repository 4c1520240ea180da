import Dispatch
import HTTP1

#if canImport(Glibc)
    import Glibc
#endif

/// One client connection: read, parse, handle, write, repeat while keep-alive.
///
/// Its protocol state is one `ConnectionMachine`: the functions here feed it events (bytes read,
/// request parsed, response ready, write done, peer closed, deadline) and carry out the actions
/// it returns. All state is confined to `loop.queue` (hence `@unchecked Sendable`); compute
/// results hop back onto that queue before touching it.
final class Connection: @unchecked Sendable {
    typealias State = ConnectionMachine.State

    let fd: Int32
    let loop: EventLoop
    let core: ServerCore
    var parser: RequestParser
    var machine: ConnectionMachine
    var state: State { machine.state }
    var peerClosed: Bool { machine.peerClosed }
    /// The request being answered, from its head to its response.
    var exchange: Exchange?
    /// The response being written, counted once it is out.
    var pendingResponse: PendingResponse?
    /// True while `processInput` runs, so a response finishing inside it does not recurse.
    var processing = false
    /// When the connection was accepted, monotonic nanoseconds.
    let openedAt = DispatchTime.now().uptimeNanoseconds

    /// Whether the loop's poller tells this connection of arriving bytes (`start` to `stopReading`).
    var readsWatched = false
    /// Reads paused (back-pressure or light pacing): out of the poller's set until resumed.
    var readsPaused = false
    var writeSource: DispatchSourceWrite?
    var writeArmed = false
    var pendingCancels = 0
    /// Buffers waiting to be written, in order (a response's head, then its large body as the
    /// handler made it); `outgoingOffset` bytes of the first are out.
    var outgoing: [[UInt8]] = []
    var outgoingOffset = 0

    /// Stop reading ahead while a request is being answered once this much is buffered.
    static let pipelineBufferLimit = 1_048_576

    init(fd: Int32, loop: EventLoop, core: ServerCore) {
        self.fd = fd
        self.loop = loop
        self.core = core
        parser = RequestParser(limits: core.configuration.limits)
        machine = ConnectionMachine(now: openedAt, maxRequests: core.configuration.maxRequestsPerConnection)
    }

    static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Carries out what the machine decided, in order; a `write` writes `response`, the answer the
    /// event that returned these actions was about.
    func perform(_ actions: [ConnectionMachine.Action], answering response: HTTPResponse? = nil) {
        for action in actions {
            switch action {
            case .pauseReads: pauseWatchingReads()
            case .resumeReads: resumeWatchingReads()
            case .stopReading: stopReading()
            case .processInput: processInput()
            case .discardBody: parser.discardBody()
            case .runInline: runInline()
            case .submit: submit()
            case .write(let keepAlive): if let response { write(response, keepAlive: keepAlive) }
            case .timeOut(let header): timedOut(header: header)
            case .pace(let until): loop.pace(self, until: until)
            case .shutWriteSide: shutdown(fd, Int32(SHUT_WR))
            case .abortExchange: abortExchange()
            case .close: closeSocket()
            }
        }
    }

    /// Registers with the loop and starts reading. Call on `loop.queue`.
    func start() {
        loop.add(self)
        core.metrics.connectionOpened()
        readsWatched = true
        loop.poller.watch(fd)
    }

    // MARK: Reading

    /// Reads until the socket says EAGAIN: a short read does not mean it is drained (a reset or
    /// more data may have arrived meanwhile, and the edge-triggered poller does not report it again).
    /// After `readBudget` reads the rest waits its turn behind other connections on the loop.
    func readAvailable() {
        guard state != .closed, readsWatched, !readsPaused else { return }
        for _ in 0..<Self.readBudget {
            let count = Glibc.read(fd, loop.scratch.baseAddress, loop.scratch.count)
            if count > 0 {
                received(UnsafeRawBufferPointer(rebasing: loop.scratch[0..<count]))
                if machine.parsesInput { processInput() }  // keeps the parser's buffer to one read
                if state == .closed { return }
                if backPressure() { return }
            } else if count == 0 {
                return endOfInput(reset: false)
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                return
            } else {
                return endOfInput(reset: true)
            }
        }
        loop.queue.async { [self] in readAvailable() }
    }

    /// Reads per turn before yielding to the loop's other connections.
    static let readBudget = 16

    /// Stops reading while a response is pending and pipelined bytes pile up; true when paused.
    private func backPressure() -> Bool {
        perform(
            machine.readFinished(buffered: parser.bufferedByteCount, limit: Self.pipelineBufferLimit, now: Self.now))
        return readsPaused
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        core.metrics.received(bytes.count)
        guard state != .lingering else { return }
        machine.bytesArrived(idleBefore: parser.phase == .idle, now: Self.now)
        parser.append(bytes)
    }

    /// The client closed (FIN) or reset. Inline requests it sent in full before a FIN are still
    /// answered; a compute request, or one cut short, counts as an abort and its work is cancelled.
    private func endOfInput(reset: Bool) {
        perform(machine.clientClosed(reset: reset, now: Self.now))
        perform(machine.inputEndedWithClientGone(requestOpen: exchange != nil))
    }

    /// Belt and braces for the deadline sweep, on connections that hold a compute place or are
    /// writing: Linux Dispatch sources do not always fire for a reset that arrives after the last
    /// byte. Reading: reads what the socket holds now (data, EOF or a reset); `readAvailable` reads
    /// until EAGAIN, which is the real fix. Writing: writes on, so a reset surfaces as EPIPE.
    func probePeer() {
        if state == .writing {
            if hasOutgoing { flush() }
            return
        }
        guard state == .reading || state == .handling else { return }
        readAvailable()
    }

    func pauseReads() { perform(machine.pauseReads(now: Self.now)) }

    /// Resumes reading paused by `pauseReads`.
    func resumeReads() { perform(machine.resumeReads(now: Self.now)) }

    private func pauseWatchingReads() {
        guard readsWatched, !readsPaused else { return }
        loop.poller.unwatch(fd)
        readsPaused = true
    }

    /// Watches again, and reads at once what arrived while paused (its edge has passed).
    private func resumeWatchingReads() {
        guard readsWatched, readsPaused else { return }
        readsPaused = false
        loop.poller.watch(fd)
        loop.queue.async { [self] in readAvailable() }
    }

    func stopReading() {
        guard readsWatched else { return }
        if !readsPaused { loop.poller.unwatch(fd) }
        readsWatched = false
        readsPaused = false
    }
}
