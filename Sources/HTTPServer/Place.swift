import Synchronization

/// A claim on a bounded resource (a compute place, upload bytes), given back exactly once: when
/// the work it admitted ends, or when its request dies first. Later `release` calls do nothing.
final class Place: Sendable {
    private let released = Atomic<Bool>(false)
    private let giveBack: @Sendable () -> Void

    init(giveBack: @escaping @Sendable () -> Void) { self.giveBack = giveBack }

    func release() {
        if !released.exchange(true, ordering: .acquiringAndReleasing) { giveBack() }
    }
}
