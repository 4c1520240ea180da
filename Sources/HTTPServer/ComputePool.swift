import Foundation
import Synchronization

/// A fixed set of worker threads (one per core) behind a bounded queue.
///
/// Capacity is `workers + queueDepth` requests, each holding a `Place` from `tryReserve` (taken
/// once its body is complete) until its job ends; past it the server answers 503, before reading
/// the body whenever the pool is already full when the header section arrives.
final class ComputePool: Sendable {
    private struct State {
        var reserved = 0
        var running = 0
        var jobs: [(Place, @Sendable () -> Void)] = []
        var stopped = false
    }

    let workers: Int
    let capacity: Int
    private let state = Locked(State())
    private let wakeUp = DispatchSemaphore(value: 0)

    init(workers: Int, queueDepth: Int, nice: Int32 = 0) {
        self.workers = max(1, workers)
        self.capacity = self.workers + max(0, queueDepth)
        for index in 0..<self.workers { startWorker(index, nice: nice) }
    }

    /// A place for one more request, or nil when the pool and its queue are full.
    func tryReserve() -> Place? {
        let admitted = state.withLock { state -> Bool in
            guard !state.stopped, state.reserved < capacity else { return false }
            state.reserved += 1
            return true
        }
        return admitted ? Place { [self] in state.withLock { $0.reserved -= 1 } } : nil
    }

    /// True when every place is taken: a new request would be shed.
    var isFull: Bool { state.withLock { $0.stopped || $0.reserved >= capacity } }

    /// Runs `job` on a worker; the place is released when it returns.
    func submit(_ place: Place, _ job: @escaping @Sendable () -> Void) {
        state.withLock { $0.jobs.append((place, job)) }
        wakeUp.signal()
    }

    /// Admitted requests not yet running (waiting for a worker).
    var queueDepth: Int { state.withLock { max(0, $0.reserved - $0.running) } }

    /// Lets the workers finish their current job and exit.
    func stop() {
        state.withLock { $0.stopped = true }
        for _ in 0..<workers { wakeUp.signal() }
    }

    private func startWorker(_ index: Int, nice: Int32) {
        let thread = Thread { [self] in
            if nice != 0 { Self.setNice(nice) }
            while let (place, job) = nextJob() {
                job()
                state.withLock { $0.running -= 1 }
                place.release()
            }
        }
        thread.name = "compute-\(index)"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Linux threads have their own nice value; `who` 0 names the calling thread (setpriority(2), BUGS).
    private static func setNice(_ nice: Int32) {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice)
        #endif
    }

    private func nextJob() -> (Place, @Sendable () -> Void)? {
        while true {
            wakeUp.wait()
            let next = state.withLock { state -> (Place, @Sendable () -> Void)?? in
                if state.stopped && state.jobs.isEmpty { return .some(nil) }
                guard !state.jobs.isEmpty else { return nil }
                state.running += 1
                return .some(state.jobs.removeFirst())
            }
            if let next { return next }
        }
    }
}
