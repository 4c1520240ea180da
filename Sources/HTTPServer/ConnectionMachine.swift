import HTTP1

/// The life of one connection as a single value: its state, what it has promised (close after
/// the response, reads paused), the client's half-close, its request count and its phase clock.
/// Every event is a mutating function returning the actions the connection must carry out, in
/// order, as swift-nio's HTTPServerPipelineHandler state machine does; nothing here touches a
/// socket, a queue or a clock, so each transition is tested on its own (ConnectionMachineTests).
///
/// Reading -> (request complete) handling -> (response ready) writing -> (write done) reading,
/// or lingering ("+close": write side shut, reads drained) -> closed. Between a light answer and
/// the next request a connection may be paced: its reads pause until `paceEnded`, so the next
/// request waits in the socket and wakes nobody (the slot's timer is the one wake-up).
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
        /// Stop watching for bytes (pipelined bytes pile up while a response is pending, or the
        /// connection is paced).
        case pauseReads
        /// Watch again and read what arrived meanwhile.
        case resumeReads
        /// Cancel the read source: the client sent its last byte.
        case stopReading
        /// Parse and answer what is buffered.
        case processInput
        /// Read the current request's body and drop it (its answer came from the header section).
        case discardBody
        /// Run the complete request's handler here, on the event loop.
        case runInline
        /// Queue the complete request's job on the compute pool.
        case submit
        /// Serialize and write the answer; `keepAlive` is its `Connection` header's choice.
        case write(keepAlive: Bool)
        /// Answer 408 "+close": the header section (`header`) or the body did not arrive in time.
        case timeOut(header: Bool)
        /// Parse the next request no earlier than `until` (monotonic nanoseconds): call `paceEnded`.
        case pace(until: UInt64)
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
    /// Reading, but the next request is not read or parsed before this (light pacing).
    private(set) var pacedUntil: UInt64?
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

    /// Whether buffered bytes may be parsed now: reading, and not paced.
    var parsesInput: Bool { state == .reading && pacedUntil == nil }

    /// After a read: stop reading while a response is pending (or the connection is paced) and
    /// `buffered` pipelined bytes are over `limit` (resumed when the response is out).
    mutating func readFinished(buffered: Int, limit: Int, now: UInt64) -> [Action] {
        let waiting = state == .handling || state == .writing || pacedUntil != nil
        guard waiting, buffered > limit, !readsPaused else { return [] }
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
        if pacedUntil == nil { clock.resume(at: now) }
        return [.resumeReads]
    }

    // MARK: The request

    /// A request's header section is complete at `now`: its body phase begins.
    mutating func headReceived(now: UInt64) { clock.begin(at: now) }

    /// Where a complete request's handler runs (the connection decides, from its route and the
    /// cost model).
    enum Run: Equatable {
        /// Here, on the event loop (built-in routes, and compute classes measured as tiny).
        case inline
        /// Here, but only while the client is there: a compute request whose client closed before
        /// it started is an abort (Go's net/http cancels the same way).
        case inlineCompute
        /// On the compute pool.
        case pool
    }

    /// The request's body is complete: its handler runs (`runInline` or `submit`), unless it is a
    /// compute request whose client has already closed (an abort: the connection closes).
    mutating func requestComplete(run: Run) -> [Action] {
        guard state == .reading else { return [] }
        if run != .inline && peerClosed { return [.abortExchange] + close() }
        state = .handling
        return [run == .pool ? .submit : .runInline]
    }

    /// The handler's answer is back: written, or dropped with the connection when the client has
    /// gone meanwhile (`cancelled`). `wanted` as in `responseReady`.
    mutating func handlerFinished(cancelled: Bool, wanted: Bool, now: UInt64) -> [Action] {
        guard state == .handling else { return [] }
        return cancelled ? close() : responseReady(wanted: wanted, now: now)
    }

    /// An answer is ready (the handler's, or one decided from the header section or a failure):
    /// written with `Connection: keep-alive` when `wanted` (the request and the server allow it:
    /// not draining, no framing error), the client has not closed, and the connection has requests
    /// left; else with `Connection: close`, and the connection ends after it.
    mutating func responseReady(wanted: Bool, now: UInt64) -> [Action] {
        guard state == .reading || state == .handling else { return [] }
        let keepAlive = wanted && !peerClosed && requestsAnswered + 1 < maxRequests
        closeAfterWrite = !keepAlive
        state = .writing
        clock.begin(at: now)
        requestsAnswered += 1
        return [.write(keepAlive: keepAlive)]
    }

    /// Bodies up to this size are read and dropped after an answer from the header section, to
    /// keep the connection, as nginx's discard logic does: a client sends such a body without
    /// waiting (curl asks with `Expect: 100-continue` only above 1 MiB), so it arrives anyway, and
    /// a lingering close would read it too, then cost the client a new connection. Larger ones,
    /// chunked ones and held-back ones (`Expect: 100-continue`) end the connection ("+close").
    static let discardableBodyBytes = 1_048_576

    /// An answer decided from the header section alone (an error, a shed, a 404), before any body
    /// byte is read: the body is dropped and the connection kept when that is cheap (see
    /// `discardableBodyBytes`) and the answer does not `close` it; else the answer ends it.
    mutating func answeredBeforeBody(
        framing: BodyFraming, expectsContinue: Bool, closes: Bool, wanted: Bool, now: UInt64
    ) -> [Action] {
        let keeps: Bool
        switch framing {
        case .none, .length(0): keeps = !closes
        case .length(let length): keeps = !closes && length <= Self.discardableBodyBytes && !expectsContinue
        case .chunked: keeps = false
        }
        let hasBody = framing != .none && framing != .length(0)
        return (keeps && hasBody ? [.discardBody] : []) + responseReady(wanted: wanted && keeps, now: now)
    }

    /// The whole response is out: the next request (after `pacing` nanoseconds, if given), or
    /// "+close".
    mutating func writeDone(canLinger: Bool, pacing: UInt64? = nil, now: UInt64) -> [Action] {
        guard state == .writing else { return [] }
        if closeAfterWrite { return linger(canLinger: canLinger, now: now) }
        state = .reading
        clock.begin(at: now)
        guard let pacing, pacing > 0 else { return resumeReads(now: now) + [.processInput] }
        pacedUntil = now &+ pacing
        clock.pause(at: now)
        // Paused already (pipelined bytes past the limit): they stay paused, and the pace's end
        // resumes them.
        return pauseReads(now: now) + [.pace(until: now &+ pacing)]
    }

    /// The pacing time is over: parse what was read before it, and read on.
    mutating func paceEnded(now: UInt64) -> [Action] {
        guard pacedUntil != nil else { return [] }
        pacedUntil = nil
        // Reads are paused for the whole pace (writeDone), unless resumed during it.
        let resumed = resumeReads(now: now)
        clock.resume(at: now)
        return resumed + (state == .reading ? [.processInput] : [])
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
        _ = paceEnded(now: now)  // what the client sent in full is answered now
        if readsPaused {  // reads stop for good: nothing is paused any more
            readsPaused = false
            if pacedUntil == nil { clock.resume(at: now) }
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

    /// Ends the connection now: an error, a client gone, a stop, a deadline.
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

    /// The sweep's check at `now`: a 408 for a late request, a close for a quiet or failed one, or
    /// nothing.
    mutating func deadlineCheck(at now: UInt64, parser: RequestParser.Phase, deadlines: Deadlines) -> [Action] {
        switch expiry(at: now, parser: parser, deadlines: deadlines) {
        case .requestTimeout(let header)?: [.timeOut(header: header)]
        case .close?: close()
        case nil: []
        }
    }

    /// Draining: closes the connection if it is between requests (`closesWhenDraining`).
    mutating func drainCheck(parser: RequestParser.Phase, openFor: UInt64, window: UInt64) -> [Action] {
        closesWhenDraining(parser: parser, openFor: openFor, window: window) ? close() : []
    }

    /// Draining: a connection between requests closes, unless it is new and silent for less than
    /// `window` (its first request may be on the wire; Go's Shutdown waits the same way).
    func closesWhenDraining(parser: RequestParser.Phase, openFor: UInt64, window: UInt64) -> Bool {
        state == .reading && parser == .idle && (requestsAnswered > 0 || openFor > window)
    }
}
