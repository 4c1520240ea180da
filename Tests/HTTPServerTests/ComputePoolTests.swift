import Foundation
import Testing

@testable import HTTPServer

@Suite struct ComputePoolTests {
    @Test func capacity_isWorkersPlusQueueDepth_andReleaseIsIdempotent() {
        let pool = ComputePool(workers: 2, queueDepth: 1)
        defer { pool.stop() }
        let slots = (0..<3).compactMap { _ in pool.tryReserve() }
        #expect(slots.count == 3)
        #expect(pool.tryReserve() == nil)
        slots[0].release()
        slots[0].release()
        let again = pool.tryReserve()
        #expect(again != nil)
        #expect(pool.tryReserve() == nil)
    }

    @Test func submittedJobs_runAndGiveTheirSlotBack() {
        let pool = ComputePool(workers: 1, queueDepth: 0)
        defer { pool.stop() }
        let done = DispatchSemaphore(value: 0)
        guard let slot = pool.tryReserve() else {
            Issue.record("no slot")
            return
        }
        pool.submit(slot) { done.signal() }
        #expect(done.wait(timeout: .now() + 5) == .success)
        let deadline = Date().addingTimeInterval(2)
        var next: Place?
        while next == nil && Date() < deadline { next = pool.tryReserve() }
        #expect(next != nil)
        #expect(pool.queueDepth == 1)
    }
}
