import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Waits until Dispatch has taken over `signals`. A Dispatch signal source is registered later,
/// on Dispatch's manager thread, which then installs its own handler and a signalfd
/// (swift-corelibs-libdispatch, src/event/event_epoll.c, `_dispatch_muxnote_create`). Until then
/// the disposition is the `SIG_IGN` the caller set, and a signal sent that early (a SIGTERM or
/// SIGHUP right after `listening on` was read) is discarded. Polled until every disposition is
/// no longer `SIG_IGN`, for at most `timeout`; false if that did not happen.
enum SignalRegistration {
    @discardableResult
    static func awaitDispatch(handling signals: [Int32], timeout: Duration = .seconds(2)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !signals.allSatisfy(handledByDispatch) {
            guard ContinuousClock.now < deadline else { return false }
            usleep(200)
        }
        return true
    }

    private static func handledByDispatch(_ signal: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(signal, nil, &current) == 0 else { return false }
        let handler = unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self)
        return handler != unsafeBitCast(SIG_IGN, to: Int.self) && handler != unsafeBitCast(SIG_DFL, to: Int.self)
    }
}
