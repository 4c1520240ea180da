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
        let elapsed = phaseClock.elapsed(at: now)
        let wallElapsed = phaseClock.wallElapsed(at: now)
        let configuration = core.configuration
        switch state {
        case .reading:
            switch parser.phase {
            case .idle where elapsed > configuration.idleTimeout.nanoseconds: close()
            case .head where elapsed > configuration.headerTimeout.nanoseconds:
                timedOut("the header section did not arrive within \(configuration.headerTimeout)")
            case .body where elapsed > configuration.bodyTimeout.nanoseconds:
                timedOut("the body did not arrive within \(configuration.bodyTimeout)")
            case .failed: close()
            default: break
            }
        case .writing where wallElapsed > configuration.sendTimeout.nanoseconds:
            close()  // the unwritten response counts as a client abort
        case .lingering where wallElapsed > configuration.lingerTimeout.nanoseconds:
            close()
        default:
            break
        }
    }

    private func timedOut(_ message: String) {
        respond(HTTPError.requestTimeout(message).response, close: true)
    }

    /// Draining, once the listener is closed: a connection between requests is closed; others
    /// finish with `Connection: close`. A connection that has not sent its first request yet is
    /// given `firstRequestWindow` for it, since its request may be on the wire (Go's Shutdown
    /// treats new connections the same way): closing it now would reset a request it sent.
    func closeIfIdle(now: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        guard state == .reading && parser.phase == .idle else { return }
        let window = min(Self.firstRequestWindow, core.configuration.headerTimeout).nanoseconds
        if requestsAnswered > 0 || now &- openedAt > window { close() }
    }

    /// How long a fresh connection may stay silent while the server drains.
    static let firstRequestWindow: Duration = .seconds(1)
}
