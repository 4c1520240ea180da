import Dispatch
import HTTP1

/// Deadlines, checked by the loop's sweep: header and body (408 +close), idle (quiet close),
/// send (a client that does not read is an abort), linger (close).
///
/// The sweep reads the clock once for all its connections, and a connection's probe below may
/// start a new phase after that reading: `PhaseClock` counts such a phase as just begun (issue
/// 20: the unsigned difference used to wrap to 2^64 ns, a 408 or an idle close at once). The read
/// deadlines leave out the time the server paused reading; the send and linger ones do not.
extension Connection {
    func checkDeadlines(now: UInt64) {
        if exchange?.holdsPlace == true || state == .writing { probePeer() }
        guard state != .closed else { return }
        if core.lifecycle.isListenerClosed { closeIfIdle(now: now) }
        guard state != .closed else { return }
        perform(
            machine.deadlineCheck(
                at: now, parser: parser.phase, deadlines: ConnectionMachine.Deadlines(core.configuration)))
    }

    /// The `timeOut` action: 408 "+close" (a close without a word is the machine's `close`: idle,
    /// failed, or a response the client does not read, counted as an abort).
    func timedOut(header: Bool) {
        let configuration = core.configuration
        let message =
            header
            ? "the header section did not arrive within \(configuration.headerTimeout)"
            : "the body did not arrive within \(configuration.bodyTimeout)"
        respond(HTTPError.requestTimeout(message).response, close: true)
    }

    /// Draining, once the listener is closed: a connection between requests is closed; others
    /// finish with `Connection: close`. A connection that has not sent its first request yet is
    /// given `firstRequestWindow` for it, since its request may be on the wire (Go's Shutdown
    /// treats new connections the same way): closing it now would reset a request it sent.
    func closeIfIdle(now: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        let window = min(Self.firstRequestWindow, core.configuration.headerTimeout).nanoseconds
        let openFor = now > openedAt ? now - openedAt : 0
        perform(machine.drainCheck(parser: parser.phase, openFor: openFor, window: window))
    }

    /// How long a fresh connection may stay silent while the server drains.
    static let firstRequestWindow: Duration = .seconds(1)
}
