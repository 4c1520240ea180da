import HTTP1

/// Deadlines, checked by the loop's sweep: header and body (408 +close), idle (quiet close),
/// send (a client that does not read is an abort), linger (close).
extension Connection {
    func checkDeadlines(now: UInt64) {
        if exchange?.slot != nil || state == .writing { probePeer() }
        guard state != .closed else { return }
        let elapsed = now &- phaseStart
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
        case .writing where elapsed > configuration.sendTimeout.nanoseconds:
            close()  // the unwritten response counts as a client abort
        case .lingering where elapsed > configuration.lingerTimeout.nanoseconds:
            close()
        default:
            break
        }
    }

    private func timedOut(_ message: String) {
        respond(HTTPError.requestTimeout(message).response, close: true)
    }

    /// Draining: a connection between requests is closed now; others finish with `Connection: close`.
    func closeIfIdle() {
        if state == .reading && parser.phase == .idle { close() }
    }
}
