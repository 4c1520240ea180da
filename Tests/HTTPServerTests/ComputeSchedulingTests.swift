import Dispatch
import Synchronization
import Testing

@testable import HTTPServer

/// Issue 18: admission by expected queueing delay, shortest job first with aging, and the light
/// lane's own workers. Jobs are held on a gate, so every order below is decided before any runs.
@Suite struct ComputeSchedulingTests {
    static let policy = AdmissionPolicy(delayTarget: 0.25, delayFactor: 0, lightCutoff: 0.002, agingFactor: 8)
    /// The same order, with a target no test's backlog reaches.
    static let ordering = AdmissionPolicy(delayTarget: 1_000, delayFactor: 0, lightCutoff: 0.002, agingFactor: 8)

    @Test func idlePool_admitsAJobLongerThanTheTarget() {
        let pool = ComputePool(workers: 2, queueDepth: 10, policy: Self.policy)
        defer { pool.stop() }
        #expect(pool.tryReserve(cost: 100) != nil)
    }

    @Test func heavyBacklogOverTheTarget_shedsHeavyJobs_notLightOnes() {
        let pool = ComputePool(workers: 2, queueDepth: 10, policy: Self.policy)
        defer { pool.stop() }
        let held = [pool.tryReserve(cost: 0.3), pool.tryReserve(cost: 0.3)]  // expected delays 0, then 0.15 s
        #expect(held.allSatisfy { $0 != nil })
        #expect(pool.admission(cost: 0.3) == .delayOverTarget)  // 0.6 s over 2 workers
        #expect(pool.admission(cost: 0.0001) == .admitted)
        held[0]?.release()
        #expect(pool.admission(cost: 0.3) == .admitted)
    }

    @Test func heavyJob_mayWaitTwiceItsOwnEstimate_beyondTheTarget() {
        let pool = ComputePool(
            workers: 2, queueDepth: 10,
            policy: AdmissionPolicy(delayTarget: 0.25, delayFactor: 2, lightCutoff: 0.002, agingFactor: 8))
        defer { pool.stop() }
        // A grader's four 0.4 s jobs on 2 workers: the third expects 0.4 s, the fourth 0.6 s, both
        // under twice their own 0.4 s (0.25 s alone would refuse them).
        let held = (0..<4).map { _ in pool.tryReserve(cost: 0.4) }
        #expect(held.allSatisfy { $0 != nil })
        // Now 0.8 s expected:
        #expect(pool.admission(cost: 0.35) == .delayOverTarget, "a 0.35 s job may wait 0.7 s")
        #expect(pool.admission(cost: 0.1) == .delayOverTarget, "a 0.1 s job may wait 0.25 s")
        #expect(pool.admission(cost: 0.45) == .admitted, "a 0.45 s job may wait 0.9 s")
    }

    @Test func countBound_shedsWhateverTheEstimate() {
        let pool = ComputePool(workers: 1, queueDepth: 1, policy: Self.policy)
        defer { pool.stop() }
        let held = [pool.tryReserve(cost: 0), pool.tryReserve(cost: 0)]
        #expect(held.allSatisfy { $0 != nil })
        #expect(pool.admission(cost: 0) == .queueFull)
        #expect(pool.tryReserve(cost: 0) == nil)
    }

    @Test func releasedPlaces_giveTheirBacklogBack() {
        let pool = ComputePool(workers: 1, queueDepth: 4, policy: Self.policy)
        defer { pool.stop() }
        let places = [pool.tryReserve(cost: 0.1), pool.tryReserve(cost: 0.001)]
        #expect(pool.backlog == ComputeLane.Backlog(light: 0.001, heavy: 0.1))
        for place in places { place?.release() }
        for place in places { place?.release() }
        #expect(pool.backlog == ComputeLane.Backlog())
    }

    @Test func heavyWork_isCountedUntilItsPlaceIsReleased() {
        let pool = ComputePool(workers: 1, queueDepth: 4, policy: Self.policy)
        defer { pool.stop() }
        let light = pool.tryReserve(cost: 0.0001)
        #expect(!pool.hasHeavyWork)
        let heavy = pool.tryReserve(cost: 0.1)
        #expect(pool.hasHeavyWork)
        heavy?.release()
        heavy?.release()
        light?.release()
        #expect(!pool.hasHeavyWork)
    }

    @Test func queuedShortJob_runsBeforeAQueuedLongOne() {
        let pool = ComputePool(workers: 1, queueDepth: 4, policy: Self.ordering)
        defer { pool.stop() }
        let order = Order()
        let gate = Gate()
        submit(pool, cost: 0.5) { _ = gate.wait() }
        submit(pool, cost: 1.0) { order.append("long") }
        submit(pool, cost: 0.001) { order.append("short") }
        gate.open()
        #expect(order.waitFor(count: 2) == ["short", "long"])
    }

    @Test func agedLongJob_goesBeforeAShortJobThatCameMuchLater() {
        let policy = Self.policy
        let longDue = policy.due(enqueued: 0, cost: 1.0)  // 8 s of slack
        #expect(policy.due(enqueued: 7_000_000_000, cost: 0.001) < longDue)
        #expect(policy.due(enqueued: 9_000_000_000, cost: 0.001) > longDue)
    }

    @Test func lightWorker_runsALightJobWhileEveryWorkerIsBusy() {
        let pool = ComputePool(workers: 1, queueDepth: 4, policy: Self.ordering, lightWorkers: 1)
        defer { pool.stop() }
        let gate = Gate()
        defer { gate.open() }
        let order = Order()
        submit(pool, cost: 0.5) { _ = gate.wait() }
        submit(pool, cost: 0.0001) { order.append("light") }
        #expect(order.waitFor(count: 1) == ["light"])
    }

    @Test func lightWorker_leavesHeavyJobsToTheWorkers() {
        let pool = ComputePool(workers: 1, queueDepth: 4, policy: Self.ordering, lightWorkers: 1)
        let gate = Gate()
        let order = Order()
        submit(pool, cost: 0.5) { _ = gate.wait() }
        submit(pool, cost: 0.5) { order.append("heavy") }
        submit(pool, cost: 0.0001) { order.append("light 1") }
        #expect(order.waitFor(count: 1) == ["light 1"])
        submit(pool, cost: 0.0001) { order.append("light 2") }
        #expect(order.waitFor(count: 2) == ["light 1", "light 2"])
        gate.open()
        #expect(order.waitFor(count: 3) == ["light 1", "light 2", "heavy"])
        pool.stop()
    }

    @Test func queueDelay_isReportedPerLane() {
        let seen = Locked<[ComputeLane]>([])
        let pool = ComputePool(workers: 1, queueDepth: 4, policy: Self.ordering) { lane, waited in
            if waited >= 0 { seen.withLock { $0.append(lane) } }
        }
        defer { pool.stop() }
        let order = Order()
        submit(pool, cost: 0.5) { order.append("heavy") }
        #expect(order.waitFor(count: 1) == ["heavy"])
        submit(pool, cost: 0.0001) { order.append("light") }
        #expect(order.waitFor(count: 2) == ["heavy", "light"])
        #expect(seen.withLock { $0 } == [.heavy, .light])
    }

    private func submit(_ pool: ComputePool, cost: Double, _ job: @escaping @Sendable () -> Void) {
        guard let place = pool.tryReserve(cost: cost) else {
            Issue.record("not admitted")
            return
        }
        pool.submit(place, cost: cost, job)
    }
}

/// What ran, in order, recorded from the workers.
final class Order: Sendable {
    private let names = Locked<[String]>([])
    private let added = DispatchSemaphore(value: 0)

    func append(_ name: String) {
        names.withLock { $0.append(name) }
        added.signal()
    }

    /// The names once `count` have run (or after 5 s, what ran by then).
    func waitFor(count: Int) -> [String] {
        while names.withLock({ $0.count }) < count {
            if added.wait(timeout: .now() + 5) == .timedOut { break }
        }
        return names.withLock { $0 }
    }
}
