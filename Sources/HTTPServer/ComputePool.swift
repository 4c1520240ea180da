import Foundation
import Synchronization

/// A place in the compute pool, taken from the header section before the body is read and given
/// back exactly once: when its job ends, or when the request dies before reaching the pool.
final class ComputeSlot: Sendable {
    private let released = Atomic<Bool>(false)
    private let pool: ComputePool

    init(pool: ComputePool) { self.pool = pool }

    /// Gives the place back; later calls do nothing.
    func release() {
        if !released.exchange(true, ordering: .acquiringAndReleasing) { pool.slotReleased() }
    }
}

/// A fixed set of worker threads (one per core) behind a bounded queue.
///
/// Capacity is `workers + queueDepth` admitted requests; `tryReserve` refuses past it, which the
/// server answers with 503 before reading the body.
final class ComputePool: Sendable {
    private struct State {
        var reserved = 0
        var running = 0
        var jobs: [(ComputeSlot, @Sendable () -> Void)] = []
        var stopped = false
    }

    let workers: Int
    let capacity: Int
    private let state = Locked(State())
    private let wakeUp = DispatchSemaphore(value: 0)

    init(workers: Int, queueDepth: Int) {
        self.workers = max(1, workers)
        self.capacity = self.workers + max(0, queueDepth)
        for index in 0..<self.workers { startWorker(index) }
    }

    /// A place for one more request, or nil when the pool and its queue are full.
    func tryReserve() -> ComputeSlot? {
        let admitted = state.withLock { state -> Bool in
            guard !state.stopped, state.reserved < capacity else { return false }
            state.reserved += 1
            return true
        }
        return admitted ? ComputeSlot(pool: self) : nil
    }

    /// Runs `job` on a worker; the slot is released when it returns.
    func submit(_ slot: ComputeSlot, _ job: @escaping @Sendable () -> Void) {
        state.withLock { $0.jobs.append((slot, job)) }
        wakeUp.signal()
    }

    /// Admitted requests not yet running (waiting for their body or for a worker).
    var queueDepth: Int { state.withLock { max(0, $0.reserved - $0.running) } }

    func slotReleased() { state.withLock { $0.reserved -= 1 } }

    /// Lets the workers finish their current job and exit.
    func stop() {
        state.withLock { $0.stopped = true }
        for _ in 0..<workers { wakeUp.signal() }
    }

    private func startWorker(_ index: Int) {
        let thread = Thread { [self] in
            Self.lowerPriority()
            while let (slot, job) = nextJob() {
                job()
                state.withLock { $0.running -= 1 }
                slot.release()
            }
        }
        thread.name = "compute-\(index)"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Nice value of the compute threads: the event loops (nice 0) get the CPU first when both
    /// want it, so health checks and shedding stay fast while every core computes.
    static let workerNice: Int32 = 5

    /// Linux threads have their own nice value; `who` 0 names the calling thread (setpriority(2), BUGS).
    private static func lowerPriority() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, workerNice)
        #endif
    }

    private func nextJob() -> (ComputeSlot, @Sendable () -> Void)? {
        while true {
            wakeUp.wait()
            let next = state.withLock { state -> (ComputeSlot, @Sendable () -> Void)?? in
                if state.stopped && state.jobs.isEmpty { return .some(nil) }
                guard !state.jobs.isEmpty else { return nil }
                state.running += 1
                return .some(state.jobs.removeFirst())
            }
            if let next { return next }
        }
    }
}
