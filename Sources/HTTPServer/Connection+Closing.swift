import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Ending a connection: "+close" lingering, then closing the socket once its sources are cancelled.
extension Connection {
    /// "+close" (RFC 9112 §9.6): shut the write side, keep reading briefly so the client sees the
    /// response rather than a reset, then close.
    func linger() {
        guard !peerClosed, readSource != nil else { return close() }
        state = .lingering
        beginPhase()
        shutdown(fd, Int32(SHUT_WR))
        resumeReads()
    }

    func close() {
        guard state != .closed else { return }
        state = .closed
        abandonResponse()
        if let exchange, !exchange.answered {
            exchange.releasePlaces()
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
    func sourceCancelled() {
        pendingCancels -= 1
        if pendingCancels == 0 && state == .closed { Glibc.close(fd) }
    }
}
