/// Bytes of compute-request bodies being received or waiting for their job, bounded so a flood of
/// uploads cannot buffer unbounded memory (the compute queue admits by time, not count). It is separate from the compute places on purpose: a body that arrives slowly
/// holds only its bytes here, never a place a finished request could compute in.
///
/// A body claims its declared `Content-Length`, a chunked one the largest body allowed (its size
/// is unknown until its last chunk).
final class UploadBudget: Sendable {
    let limitBytes: Int
    private let usedBytes = Locked(0)

    init(limitBytes: Int) { self.limitBytes = limitBytes }

    /// A claim on `bytes`, or nil when it would take the budget past its limit.
    func tryTake(_ bytes: Int) -> Place? {
        let taken = usedBytes.withLock { used -> Bool in
            guard bytes <= limitBytes - used else { return false }
            used += bytes
            return true
        }
        return taken ? Place { [self] in usedBytes.withLock { $0 -= bytes } } : nil
    }

    /// Bytes claimed now.
    var inUseBytes: Int { usedBytes.withLock { $0 } }
}
