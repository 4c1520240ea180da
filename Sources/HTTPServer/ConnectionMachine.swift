import HTTP1

/// The life of one connection as a single value: its state, what it has promised (close after
/// the response, reads paused), the client's half-close, its request count and its phase clock.
/// Every event is a mutating function returning the actions the connection must carry out, in
/// order, as swift-nio's HTTPServerPipelineHandler state machine does; nothing here touches a
/// socket, a queue or a clock, so each transition is tested on its own (ConnectionMachineTests).
///
/// Reading -> (request complete) handling -> (response ready) writing -> (write done) reading,
/// or lingering ("+close": write side shut, reads drained) -> closed.
struct ConnectionMachine: Equatable {
    enum State: Equatable {
        /// Reading (idle, head or body); no response in progress.
        case reading
        /// A handler runs for the current request.
        case handling
        /// A response is being written.
        case writing
        /// "+close": write side shut, the client's bytes discarded until EOF or the deadline.
        case lingering
        case closed
    }

    enum Action: Equatable {
        /// Suspend the read source (pipelined bytes pile up while a response is pending).
        case pauseReads
        /// Resume it and read what arrived meanwhile.
        case resumeReads
        /// Cancel the read source: the client sent its last byte.
        case stopReading
        /// Parse and answer what is buffered.
        case processInput
        /// Shut the write side (SHUT_WR), keep reading briefly (RFC 9112 §9.6).
        case shutWriteSide
        /// Tell the handler its client is gone (a counted abort).
        case abortExchange
        /// Close the socket and give back what the connection holds.
        case close
    }

    private(set) var state = State.reading
    /// The response being written ends the connection.
    private(set) var closeAfterWrite = false
    /// The client closed or reset its side.
    private(set) var peerClosed = false
    private(set) var readsPaused = false
    private(set) var requestsAnswered = 0
    private(set) var clock: PhaseClock
    let maxRequests: Int

    init(now: UInt64, maxRequests: Int) {
        clock = PhaseClock(start: now)
        self.maxRequests = maxRequests
    }

    // MARK: Reading

    /// Bytes arrived; `idleBefore`: none of the next request was buffered. A new request's first
    /// byte starts its header phase.
    mutating func bytesArrived(idleBefore: Bool, now: UInt64) {
        if state == .reading && idleBefore { clock.begin(at: now) }
    }

    /// After a read: stop reading while a response is pending and `buffered` pipelined bytes are
    /// over `limit` (resumed when the response is out).
    mutating func readFinished(buffered: Int, limit: Int, now: UInt64) -> [Action] {
        guard state == .handling || state == .writing, buffered > limit, !readsPaused else { return [] }
        return pauseReads(now: now)
    }

    mutating func pauseReads(now: UInt64) -> [Action] {
        guard !readsPaused, state != .closed else { return [] }
        readsPaused = true
        clock.pause(at: now)
        return [.pauseReads]
    }

    mutating func resumeReads(now: UInt64) -> [Action] {
        guard readsPaused else { return [] }
        readsPaused = false
        clock.resume(at: now)
        return [.resumeReads]
    }

    // MARK: The request

    /// A request's header section is complete at `now`: its body phase begins.
    mutating func headReceived(now: UInt64) { clock.begin(at: now) }

    /// The handler runs.
    mutating func handlerStarted() { state = .handling }

    /// A response is ready; returns whether it keeps the connection (`Connection: keep-alive`).
    /// `wanted`: the request and the server allow keep-alive (not draining, no framing error).
    mutating func responseReady(wanted: Bool, now: UInt64) -> Bool {
        let keepAlive = wanted && !peerClosed && requestsAnswered + 1 < maxRequests
        closeAfterWrite = !keepAlive
        state = .writing
        clock.begin(at: now)
        requestsAnswered += 1
        return keepAlive
    }

    /// The whole response is out: the next request, or "+close".
    mutating func writeDone(canLinger: Bool, now: UInt64) -> [Action] {
        guard state == .writing else { return [] }
        if closeAfterWrite { return linger(canLinger: canLinger, now: now) }
        state = .reading
        clock.begin(at: now)
        return resumeReads(now: now) + [.processInput]
    }

    private mutating func linger(canLinger: Bool, now: UInt64) -> [Action] {
        guard canLinger && !peerClosed else { return close() }
        state = .lingering
        clock.begin(at: now)
        return [.shutWriteSide] + resumeReads(now: now)
    }

    // MARK: The client's side

    /// The client closed (FIN, `reset` false) or reset. Reading: a FIN lets what it sent in full
    /// be answered (`processInput`), then `inputEndedWithClientGone` decides; handling: the
    /// request is aborted; writing: the response goes out, then the connection closes.
    mutating func clientClosed(reset: Bool, now: UInt64) -> [Action] {
        peerClosed = true
        if readsPaused {  // the read source is cancelled: nothing is paused any more
            readsPaused = false
            clock.resume(at: now)
        }
        switch state {
        case .reading: return [.stopReading] + (reset ? [] : [.processInput])
        case .handling: return [.stopReading, .abortExchange]
        case .writing:
            closeAfterWrite = true
            return [.stopReading]
        case .lingering, .closed: return [.stopReading] + close()
        }
    }

    /// After the input a closed client left was processed: still reading means nothing more will
    /// come; an unfinished request is an abort.
    mutating func inputEndedWithClientGone(requestOpen: Bool) -> [Action] {
        guard state == .reading else { return [] }
        return (requestOpen ? [.abortExchange] : []) + close()
    }

    /// The handler's answer arrives for a request whose client has gone.
    mutating func close() -> [Action] {
        guard state != .closed else { return [] }
        state = .closed
        return [.close]
    }
}

/// Deadlines: what the sweep's check finds, given where the parser is.
extension ConnectionMachine {
    /// Each deadline in nanoseconds (`ServerConfiguration`'s, shrunk in tests).
    struct Deadlines: Equatable {
        var header: UInt64
        var body: UInt64
        var idle: UInt64
        var send: UInt64
        var linger: UInt64

        init(_ configuration: ServerConfiguration) {
            header = configuration.headerTimeout.nanoseconds
            body = configuration.bodyTimeout.nanoseconds
            idle = configuration.idleTimeout.nanoseconds
            send = configuration.sendTimeout.nanoseconds
            linger = configuration.lingerTimeout.nanoseconds
        }
    }

    /// What a passed deadline asks for.
    enum Expiry: Equatable {
        /// 408 +close: the header section (`header`) or the body did not arrive in time.
        case requestTimeout(header: Bool)
        /// Close without a word: idle keep-alive, a failed parser, a client not reading its
        /// response (an abort), the end of the linger.
        case close
    }

    /// The deadline passed at `now`, if any. Read deadlines leave out server-paused time
    /// (`PhaseClock.elapsed`); send and linger count wall time.
    func expiry(at now: UInt64, parser: RequestParser.Phase, deadlines: Deadlines) -> Expiry? {
        let elapsed = clock.elapsed(at: now)
        let wall = clock.wallElapsed(at: now)
        switch state {
        case .reading:
            switch parser {
            case .idle: return elapsed > deadlines.idle ? .close : nil
            case .head: return elapsed > deadlines.header ? .requestTimeout(header: true) : nil
            case .body: return elapsed > deadlines.body ? .requestTimeout(header: false) : nil
            case .failed: return .close
            }
        case .writing: return wall > deadlines.send ? .close : nil
        case .lingering: return wall > deadlines.linger ? .close : nil
        case .handling, .closed: return nil
        }
    }

    /// Draining: a connection between requests closes, unless it is new and silent for less than
    /// `window` (its first request may be on the wire; Go's Shutdown waits the same way).
    func closesWhenDraining(parser: RequestParser.Phase, openFor: UInt64, window: UInt64) -> Bool {
        state == .reading && parser == .idle && (requestsAnswered > 0 || openFor > window)
    }
}
