import Testing

@testable import HTTPServer

/// The light answers' schedule (GCRA): a burst goes at once, a flood gets `rate` a second in all,
/// and a quiet spell leaves nothing owed.
@Suite struct LightPacerTests {
    static let millisecond: UInt64 = 1_000_000

    @Test func burst_goesAtOnce_thenEachWaitsItsInterval() {
        let pacer = LightPacer(rate: 1_000, burst: 4)  // a slot per ms
        let now = 100 * Self.millisecond
        #expect((0..<4).map { _ in pacer.reserve(at: now) } == [0, 0, 0, 0])
        #expect(pacer.reserve(at: now) == Self.millisecond)
        #expect(pacer.reserve(at: now) == 2 * Self.millisecond)
    }

    @Test func flood_isHeldToTheRate_whateverTheNumberOfClients() {
        let pacer = LightPacer(rate: 1_000, burst: 1)
        // 4 clients, each asking again as soon as its wait is over, for 200 ms.
        var readyAt = [UInt64](repeating: 0, count: 4)
        var served: [UInt64] = []
        while let client = readyAt.indices.min(by: { readyAt[$0] < readyAt[$1] }),
            readyAt[client] < 200 * Self.millisecond
        {
            let slot = readyAt[client] + pacer.reserve(at: readyAt[client])
            served.append(slot)
            readyAt[client] = slot + 1
        }
        let inWindow = served.filter { $0 < 200 * Self.millisecond }.count
        #expect(inWindow == 200, "\(inWindow) requests served in 200 ms at 1,000 a second")
    }

    @Test func quietSpell_leavesNothingOwed() {
        let pacer = LightPacer(rate: 100, burst: 1)
        for _ in 0..<50 { _ = pacer.reserve(at: 0) }  // 0.5 s booked ahead
        #expect(pacer.reserve(at: 0) == 500 * Self.millisecond)
        #expect(pacer.reserve(at: 2_000 * Self.millisecond) == 0, "the schedule is in the past")
    }

    @Test func configuration_zeroRate_meansNoPacer() {
        var configuration = ServerConfiguration()
        configuration.lightRate = 0
        #expect(configuration.lightPacer == nil)
        configuration.lightRate = 800
        #expect(configuration.lightPacer?.interval == 1_250_000)
    }
}
