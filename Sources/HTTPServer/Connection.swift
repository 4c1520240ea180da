import Dispatch
import HTTP1
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One client connection: read, parse, handle, write, repeat while keep-alive.
///
/// All state is confined to `loop.queue` (hence `@unchecked Sendable`); compute results hop back
/// onto that queue before touching it.
final class Connection: @unchecked Sendable {
    enum State: Equatable {
        /// Reading (idle, head or body); responses are not in progress.
        case reading
        /// A handler runs for the current request.
        case handling
        /// A response is being written.
        case writing
        /// "+close": write side shut, client's bytes discarded until EOF or the deadline.
        case lingering
        case closed
    }

    let fd: Int32
    let loop: EventLoop
    let core: ServerCore
    var parser: RequestParser
    var state = State.reading
    /// The request being answered, from its head to its response.
    var exchange: Exchange?
    var requestsAnswered = 0
    var closeAfterWrite = false
    var peerClosed = false
    /// True while `processInput` runs, so a response finishing inside it does not recurse.
    var processing = false
    /// When the current phase (idle, head, body, write, linger) began, monotonic nanoseconds.
    var phaseStart = DispatchTime.now().uptimeNanoseconds

    private var readSource: DispatchSourceRead?
    private var readPaused = false
    private var writeSource: DispatchSourceWrite?
    private var writeArmed = false
    private var pendingCancels = 0
    private var outgoing: [UInt8] = []
    private var outgoingOffset = 0

    /// Stop reading ahead while a request is being answered once this much is buffered.
    static let pipelineBufferLimit = 1_048_576

    init(fd: Int32, loop: EventLoop, core: ServerCore) {
        self.fd = fd; self.loop = loop; self.core = core
        parser = RequestParser(limits: core.configuration.limits)
    }

    /// Registers with the loop and starts reading. Call on `loop.queue`.
    func start() {
        loop.add(self)
        core.metrics.connectionOpened()
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: loop.queue)
        source.setEventHandler { [unowned self] in readAvailable() }
        source.setCancelHandler { [self] in sourceCancelled() }
        pendingCancels += 1
        readSource = source
        source.resume()
    }

    // MARK: Reading

    private func readAvailable() {
        guard state != .closed else { return }
        for _ in 0..<16 {
            let count = Glibc.read(fd, loop.scratch.baseAddress, loop.scratch.count)
            if count > 0 {
                received(UnsafeRawBufferPointer(rebasing: loop.scratch[0..<count]))
                if state == .closed { return }
                if count < loop.scratch.count { break }
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                peerGone()
                return
            } else if errno != EINTR {
                break
            }
        }
        if state == .reading { processInput() }
        if state != .reading && state != .lingering && parser.bufferedByteCount > Self.pipelineBufferLimit { pauseReads() }
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        core.metrics.received(bytes.count)
        guard state != .lingering else { return }
        if state == .reading && parser.phase == .idle { phaseStart = DispatchTime.now().uptimeNanoseconds }
        parser.append(bytes)
    }

    /// The client closed or reset: whatever it asked for that is unanswered counts as an abort.
    private func peerGone() {
        peerClosed = true
        switch state {
        case .reading:
            if exchange != nil { abortExchange() }
            close()
        case .handling:
            abortExchange()
            stopReading()
        case .writing:
            closeAfterWrite = true
            stopReading()
        case .lingering, .closed:
            close()
        }
    }

    /// Asks the socket itself whether the client has gone (MSG_PEEK, without consuming a byte; while
    /// writing, by writing on): on Linux the Dispatch sources do not always fire for a reset that
    /// arrives after the last data byte. Called by the deadline sweep for connections that hold a
    /// compute place or are writing.
    func probePeer() {
        if state == .writing {
            if outgoingOffset < outgoing.count { flush() }
            return
        }
        guard readSource != nil, !readPaused, state == .reading || state == .handling else { return }
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { peerGone() }
    }

    func pauseReads() {
        guard let readSource, !readPaused else { return }
        readSource.suspend()
        readPaused = true
    }

    func resumeReads() {
        guard let readSource, readPaused else { return }
        readPaused = false
        readSource.resume()
    }

    private func stopReading() {
        guard let source = readSource else { return }
        readSource = nil
        source.cancel()
        if readPaused { readPaused = false; source.resume() }
    }

    // MARK: Writing

    /// Queues bytes and writes what the socket takes; `writeFinished` runs once all are out.
    func send(_ bytes: [UInt8]) {
        if outgoing.isEmpty { outgoing = bytes; outgoingOffset = 0 } else { outgoing.append(contentsOf: bytes) }
        flush()
    }

    private func flush() {
        while outgoingOffset < outgoing.count {
            let written = outgoing.withUnsafeBytes { buffer in
                Glibc.send(fd, buffer.baseAddress! + outgoingOffset, buffer.count - outgoingOffset, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                outgoingOffset += written
                core.metrics.sent(written)
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                armWriteSource()
                return
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                writeFailed()
                return
            }
        }
        outgoing.removeAll(keepingCapacity: outgoing.capacity <= 65_536)
        outgoingOffset = 0
        disarmWriteSource()
        writeFinished()
    }

    private func armWriteSource() {
        if writeSource == nil {
            let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: loop.queue)
            source.setEventHandler { [unowned self] in
                if state != .closed && outgoingOffset < outgoing.count { flush() }
            }
            source.setCancelHandler { [self] in sourceCancelled() }
            pendingCancels += 1
            writeSource = source
        }
        guard !writeArmed else { return }
        writeArmed = true
        writeSource?.resume()
    }

    private func disarmWriteSource() {
        guard writeArmed else { return }
        writeArmed = false
        writeSource?.suspend()
    }

    /// The client stopped reading or reset mid-response.
    private func writeFailed() {
        if state == .writing { core.metrics.clientAborted() }
        outgoing = []
        outgoingOffset = 0
        close()
    }

    // MARK: Closing

    /// "+close" (RFC 9112 §9.6): shut the write side, keep reading briefly so the client sees the
    /// response rather than a reset, then close.
    func linger() {
        guard !peerClosed, readSource != nil else { return close() }
        state = .lingering
        phaseStart = DispatchTime.now().uptimeNanoseconds
        shutdown(fd, Int32(SHUT_WR))
        resumeReads()
    }

    func close() {
        guard state != .closed else { return }
        state = .closed
        if let exchange, !exchange.answered {
            if !exchange.submitted { exchange.slot?.release() }
            core.metrics.requestEnded()
        }
        exchange = nil
        stopReading()
        if let source = writeSource {
            writeSource = nil
            source.cancel()
            if !writeArmed { source.resume() }
            writeArmed = false
        }
        if pendingCancels == 0 { Glibc.close(fd) }
        loop.remove(self)
        core.metrics.connectionClosed()
        core.connectionClosed()
    }

    /// The fd is closed only after every Dispatch source on it is cancelled.
    private func sourceCancelled() {
        pendingCancels -= 1
        if pendingCancels == 0 && state == .closed { Glibc.close(fd) }
    }
}
