import Synchronization

/// Readiness and draining: SIGTERM turns readiness off at once; once the listener is closed and
/// the last connection is gone, the drain callback runs once.
final class Lifecycle: Sendable {
    private let draining = Atomic<Bool>(false)
    private let openConnections = Atomic<Int>(0)
    private let listenerClosed = Atomic<Bool>(false)
    private let drained = Locked<(@Sendable () -> Void)?>(nil)

    var isDraining: Bool { draining.load(ordering: .acquiring) }
    /// True once draining has closed the listener: idle connections are closed from then on.
    var isListenerClosed: Bool { listenerClosed.load(ordering: .acquiring) }
    var connectionCount: Int { openConnections.load(ordering: .acquiring) }

    func beginDraining(then done: @escaping @Sendable () -> Void) {
        drained.withLock { $0 = done }
        draining.store(true, ordering: .releasing)
    }

    func connectionAccepted() { openConnections.add(1, ordering: .acquiringAndReleasing) }

    func connectionClosed() {
        openConnections.subtract(1, ordering: .acquiringAndReleasing)
        checkDrained()
    }

    func listenerDidClose() {
        listenerClosed.store(true, ordering: .releasing)
        checkDrained()
    }

    private func checkDrained() {
        guard isDraining, listenerClosed.load(ordering: .acquiring), connectionCount == 0 else { return }
        let done = drained.withLock { done in
            defer { done = nil }
            return done
        }
        done?()
    }
}
