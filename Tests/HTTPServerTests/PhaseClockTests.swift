import Testing

@testable import HTTPServer

/// `PhaseClock`: elapsed time of a connection's phase, server pauses excluded, never wrapped.
@Suite struct PhaseClockTests {
    @Test func nowBeforeTheStart_isZeroNotAWrapAround() {
        let clock = PhaseClock(start: 1_000)
        #expect(clock.elapsed(at: 999) == 0)
        #expect(clock.wallElapsed(at: 0) == 0)
    }

    @Test func running_countsEveryNanosecond() {
        let clock = PhaseClock(start: 1_000)
        #expect(clock.elapsed(at: 1_500) == 500)
        #expect(clock.wallElapsed(at: 1_500) == 500)
    }

    @Test func pause_stopsTheReadClockNotTheWallClock() {
        var clock = PhaseClock(start: 0)
        clock.pause(at: 100)
        #expect(clock.elapsed(at: 10_000) == 100)
        #expect(clock.wallElapsed(at: 10_000) == 10_000)
        clock.resume(at: 10_000)
        #expect(clock.elapsed(at: 10_050) == 150)
    }

    @Test func repeatedPauseOrResume_changesNothing() {
        var clock = PhaseClock(start: 0)
        clock.resume(at: 50)
        clock.pause(at: 100)
        clock.pause(at: 200)
        clock.resume(at: 300)
        clock.resume(at: 400)
        #expect(clock.elapsed(at: 500) == 300)
    }

    @Test func newPhaseWhilePaused_startsPausedAndForgetsOldPauses() {
        var clock = PhaseClock(start: 0)
        clock.pause(at: 100)
        clock.resume(at: 200)
        clock.pause(at: 300)
        clock.begin(at: 1_000)
        #expect(clock.isPaused)
        #expect(clock.elapsed(at: 5_000) == 0)
        clock.resume(at: 6_000)
        #expect(clock.elapsed(at: 6_010) == 10)
    }

    @Test func pauseStampedBeforeTheStart_countsFromTheStart() {
        var clock = PhaseClock(start: 1_000)
        clock.pause(at: 500)
        clock.resume(at: 1_200)
        #expect(clock.elapsed(at: 1_300) == 100)
    }
}
