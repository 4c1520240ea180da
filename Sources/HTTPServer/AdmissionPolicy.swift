/// The two lanes of compute: light jobs (estimated under `AdmissionPolicy.lightCutoff`, such as a
/// lesson's 4x4 example) and heavy ones (a grader's batch). Light jobs are served first by every
/// worker and also by the pool's light-only workers, so they never wait behind heavy ones.
enum ComputeLane: String, CaseIterable, Sendable {
    case light
    case heavy

    /// Estimated seconds admitted and not finished, per lane.
    struct Backlog: Equatable, Sendable {
        var light = 0.0
        var heavy = 0.0

        subscript(lane: ComputeLane) -> Double {
            get { lane == .light ? light : heavy }
            set { if lane == .light { light = newValue } else { heavy = newValue } }
        }

        /// Takes `cost` off a lane, never below 0 (floating-point sums do not cancel exactly).
        mutating func remove(_ cost: Double, from lane: ComputeLane) {
            self[lane] = max(0, self[lane] - cost)
        }
    }
}

/// Admission by expected queueing delay and the order of the queue (ComputePool).
///
/// Expected delay of a new job: light, `backlog.light / (workers + lightWorkers)` (light jobs go
/// first everywhere); heavy, `(backlog.light + backlog.heavy) / workers`. Virtual deadline:
/// `enqueued + agingFactor x estimate`.
struct AdmissionPolicy: Sendable {
    /// Shed (503) once a new job would expect to wait longer than this, in seconds, or than
    /// `delayFactor` times its own estimate when that is longer.
    var delayTarget: Double = 0.25
    /// A job may wait this many times its own estimate: a grader's 0.5 s job may queue behind
    /// another (1 s), where a 0.25 s target alone would refuse any heavy job beyond the workers.
    /// What a job waits relative to its size (its slowdown) is what its client feels; the count
    /// bound and the upload budget still bound the memory.
    var delayFactor: Double = 2
    /// Jobs estimated under this many seconds are light.
    var lightCutoff: Double = 0.002
    /// How many times its own estimate a job may be overtaken by later, shorter jobs.
    var agingFactor: Double = 8

    func lane(_ cost: Double) -> ComputeLane { cost < lightCutoff ? .light : .heavy }

    /// Whether a job estimated at `cost` seconds may expect to wait `delay` seconds.
    func allows(delay: Double, cost: Double) -> Bool { delay <= max(delayTarget, delayFactor * cost) }

    func expectedDelay(of lane: ComputeLane, backlog: ComputeLane.Backlog, workers: Int, lightWorkers: Int) -> Double {
        switch lane {
        case .light: backlog.light / Double(workers + lightWorkers)
        case .heavy: (backlog.light + backlog.heavy) / Double(workers)
        }
    }

    /// Monotonic nanoseconds by which a job enqueued at `enqueued` should start.
    func due(enqueued: UInt64, cost: Double) -> UInt64 {
        let slack = min(agingFactor * max(0, cost), 3_600) * 1e9
        return enqueued &+ UInt64(slack)
    }
}
