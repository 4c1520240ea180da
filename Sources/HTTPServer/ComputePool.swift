import Foundation

/// A fixed set of worker threads (one per core) plus `lightWorkers` that run only light jobs,
/// behind a queue admitted by time (issue 18).
///
/// Admission: a job is let in while the queueing delay it can expect, its lane's backlog of
/// estimated seconds spread over the workers that serve the lane, stays under `delayTarget`
/// (CoDel's idea: bound the time in queue, not the count), and while fewer than `capacity` jobs
/// hold a `Place` (the memory bound). An idle pool admits any job.
///
/// Order: earliest virtual deadline first, `enqueued + agingFactor x estimate`: shortest job
/// first among the queued, and no job waits behind jobs that arrived more than `agingFactor`
/// times its own estimate after it (no starvation).
final class ComputePool: @unchecked Sendable {  // `state` is touched only while `condition` is locked
    typealias Job = @Sendable () -> Void

    private struct Queued {
        var place: Place
        var lane: ComputeLane
        var enqueued: UInt64
        var due: UInt64
        var job: Job
    }

    private struct State {
        var reserved = 0
        var running = 0
        var backlog = ComputeLane.Backlog()
        /// Heavy jobs admitted and not finished (a count: the backlog's sums do not cancel exactly).
        var heavyJobs = 0
        var queued: [Queued] = []
        var stopped = false

        mutating func release(_ cost: Double, from lane: ComputeLane) {
            reserved -= 1
            backlog.remove(cost, from: lane)
            if lane == .heavy { heavyJobs -= 1 }
        }
    }

    let workers: Int
    let lightWorkers: Int
    let capacity: Int
    let policy: AdmissionPolicy
    /// Called on a worker as a job starts, with its lane and its wait in seconds (metrics).
    private let onStart: @Sendable (ComputeLane, Double) -> Void
    private let condition = NSCondition()
    private var state = State()

    init(
        workers: Int, queueDepth: Int, nice: Int32 = 0, policy: AdmissionPolicy = AdmissionPolicy(),
        lightWorkers: Int = 0,
        onStart: @escaping @Sendable (ComputeLane, Double) -> Void = { _, _ in }
    ) {
        self.workers = max(1, workers)
        self.lightWorkers = max(0, lightWorkers)
        self.capacity = self.workers + max(0, queueDepth)
        self.policy = policy
        self.onStart = onStart
        for index in 0..<self.workers { startWorker("compute-\(index)", lightOnly: false, nice: nice) }
        for index in 0..<self.lightWorkers { startWorker("compute-light-\(index)", lightOnly: true, nice: nice) }
    }

    /// Whether a job estimated at `cost` seconds would be let in now, and if not, why.
    func admission(cost: Double = 0) -> Admission {
        locked { admission(cost, in: $0) }
    }

    /// A place for one more job estimated at `cost` seconds, or nil when it would not be let in.
    func tryReserve(cost: Double = 0) -> Place? {
        let lane = policy.lane(cost)
        let admitted = locked { state -> Bool in
            guard admission(cost, in: state) == .admitted else { return false }
            state.reserved += 1
            state.backlog[lane] += cost
            if lane == .heavy { state.heavyJobs += 1 }
            return true
        }
        return admitted ? Place { [self] in locked { $0.release(cost, from: lane) } } : nil
    }

    private func admission(_ cost: Double, in state: State) -> Admission {
        if state.stopped || state.reserved >= capacity { return .queueFull }
        let delay = policy.expectedDelay(
            of: policy.lane(cost), backlog: state.backlog, workers: workers, lightWorkers: lightWorkers)
        return policy.allows(delay: delay, cost: cost) ? .admitted : .delayOverTarget
    }

    /// True when no job at all would be let in.
    var isFull: Bool { admission(cost: 0) != .admitted }

    /// Queues `job` (estimated at `cost` seconds); the place is released when it returns.
    func submit(_ place: Place, cost: Double = 0, _ job: @escaping Job) {
        let now = DispatchTime.now().uptimeNanoseconds
        let entry = Queued(
            place: place, lane: policy.lane(cost), enqueued: now, due: policy.due(enqueued: now, cost: cost), job: job)
        locked { $0.queued.append(entry) }
        condition.broadcast()
    }

    /// Admitted jobs not yet running (waiting for a worker).
    var queueDepth: Int { locked { max(0, $0.reserved - $0.running) } }

    /// Estimated seconds admitted and not finished, per lane.
    var backlog: ComputeLane.Backlog { locked { $0.backlog } }

    /// True while a heavy job is admitted and not finished.
    var hasHeavyWork: Bool { locked { $0.heavyJobs > 0 } }

    /// Lets the workers finish their current job and exit.
    func stop() {
        locked { $0.stopped = true }
        condition.broadcast()
    }

    private func locked<Result>(_ body: (inout State) -> Result) -> Result {
        condition.lock()
        defer { condition.unlock() }
        return body(&state)
    }

    private func startWorker(_ name: String, lightOnly: Bool, nice: Int32) {
        let thread = Thread { [self] in
            if nice != 0 && !lightOnly { Self.setNice(nice) }  // light jobs keep the event loops' priority
            while let next = nextJob(lightOnly: lightOnly) {
                onStart(next.lane, Double(DispatchTime.now().uptimeNanoseconds &- next.enqueued) / 1e9)
                next.job()
                locked { $0.running -= 1 }
                next.place.release()
            }
        }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Linux threads have their own nice value; `who` 0 names the calling thread (setpriority(2), BUGS).
    private static func setNice(_ nice: Int32) {
        #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice)
        #endif
    }

    /// The queued job with the earliest virtual deadline (a light one for a light-only worker);
    /// waits for one; nil once stopped and drained.
    private func nextJob(lightOnly: Bool) -> Queued? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let index = earliest(lightOnly: lightOnly) {
                state.running += 1
                return state.queued.remove(at: index)
            }
            if state.stopped && (lightOnly || state.queued.isEmpty) { return nil }
            condition.wait()
        }
    }

    /// A linear scan: the queue holds at most `capacity` jobs.
    private func earliest(lightOnly: Bool) -> Int? {
        var best: Int?
        for (index, entry) in state.queued.enumerated() where !lightOnly || entry.lane == .light {
            if best == nil || entry.due < state.queued[best!].due { best = index }
        }
        return best
    }
}

/// Why a compute request is or is not let in.
enum Admission: Equatable {
    case admitted
    /// `capacity` jobs already hold a place (or the pool is stopped).
    case queueFull
    /// The expected queueing delay is over the target.
    case delayOverTarget
}
