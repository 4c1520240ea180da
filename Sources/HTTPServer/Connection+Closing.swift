import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Ending a connection: closing the socket once it is out of the poller and its write source is
/// cancelled ("+close" lingering is `ConnectionMachine.writeDone`'s `shutWriteSide`).
extension Connection {
    /// Ends the connection now (the machine decides whether anything is left to do).
    func close() { perform(machine.close()) }

    /// Closes the socket once its write source is cancelled, and gives back what the connection holds.
    func closeSocket() {
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

    /// The fd is closed only after its Dispatch write source is cancelled.
    func sourceCancelled() {
        pendingCancels -= 1
        if pendingCancels == 0 && state == .closed { Glibc.close(fd) }
    }
}
