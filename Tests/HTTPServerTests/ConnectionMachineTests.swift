import HTTP1
import Testing
@testable import HTTPServer

/// `ConnectionMachine`, one transition at a time: events in, actions out, no socket (issue 18).
@Suite struct ConnectionMachineTests {
    static let deadlines = ConnectionMachine.Deadlines(TestServer.configuration())
    static let second: UInt64 = 1_000_000_000

    /// A machine with a request being handled.
    static func handling(maxRequests: Int = 1_000) -> ConnectionMachine {
        var machine = ConnectionMachine(now: 0, maxRequests: maxRequests)
        machine.headReceived(now: 10)
        machine.handlerStarted()
        return machine
    }

    @Test func keepAliveResponse_returnsToReadingAndParsesWhatIsBuffered() {
        var machine = Self.handling()
        let result1 = machine.responseReady(wanted: true, now: 20)
        #expect(result1)
        #expect(machine.state == .writing)
        let result2 = machine.writeDone(canLinger: true, now: 30)
        #expect(result2 == [.processInput])
        #expect(machine.state == .reading && machine.requestsAnswered == 1)
    }

    @Test func closingResponse_lingersThenCloses() {
        var machine = Self.handling()
        let result3 = machine.responseReady(wanted: false, now: 20)
        #expect(!result3)
        let result4 = machine.writeDone(canLinger: true, now: 30)
        #expect(result4 == [.shutWriteSide])
        #expect(machine.state == .lingering)
        #expect(machine.expiry(at: 30 + Self.deadlines.linger + 1, parser: .idle, deadlines: Self.deadlines) == .close)
        let result5 = machine.close()
        #expect(result5 == [.close])
        let result6 = machine.close()
        #expect(result6 == [])
    }

    @Test func closingResponse_withNoReadSourceLeft_closesAtOnce() {
        var machine = Self.handling()
        _ = machine.responseReady(wanted: false, now: 20)
        let result7 = machine.writeDone(canLinger: false, now: 30)
        #expect(result7 == [.close])
        #expect(machine.state == .closed)
    }

    @Test func writeDone_outsideWriting_doesNothing() {
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        let result8 = machine.writeDone(canLinger: true, now: 5)
        #expect(result8 == [])
        #expect(machine.state == .reading)
    }

    @Test func lastAllowedRequest_isAnsweredWithClose() {
        var machine = Self.handling(maxRequests: 2)
        let result9 = machine.responseReady(wanted: true, now: 20)
        #expect(result9)
        _ = machine.writeDone(canLinger: true, now: 30)
        machine.handlerStarted()
        let result10 = machine.responseReady(wanted: true, now: 40)
        #expect(!result10)
    }

    @Test func backPressure_pausesOnlyWhileAResponseIsPending_andResumesAfterIt() {
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        let result11 = machine.readFinished(buffered: 2 << 20, limit: 1 << 20, now: 1)
        #expect(result11 == [])
        machine.handlerStarted()
        let result12 = machine.readFinished(buffered: 1 << 20, limit: 1 << 20, now: 2)
        #expect(result12 == [])
        let result13 = machine.readFinished(buffered: 2 << 20, limit: 1 << 20, now: 3)
        #expect(result13 == [.pauseReads])
        let result14 = machine.readFinished(buffered: 3 << 20, limit: 1 << 20, now: 4)
        #expect(result14 == [])
        _ = machine.responseReady(wanted: true, now: 5)
        let result15 = machine.writeDone(canLinger: true, now: 6)
        #expect(result15 == [.resumeReads, .processInput])
    }

    @Test func pausedConnection_resumesReadingToLinger() {
        var machine = Self.handling()
        _ = machine.pauseReads(now: 15)
        _ = machine.responseReady(wanted: false, now: 20)
        let result16 = machine.writeDone(canLinger: true, now: 30)
        #expect(result16 == [.shutWriteSide, .resumeReads])
    }

    @Test func clientFIN_whileReading_answersWhatItSentThenCloses() {
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        let result17 = machine.clientClosed(reset: false)
        #expect(result17 == [.stopReading, .processInput])
        let result18 = machine.inputEndedWithClientGone(requestOpen: true)
        #expect(result18 == [.abortExchange, .close])
    }

    @Test func clientReset_whileReading_closesWithoutParsing() {
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        let result19 = machine.clientClosed(reset: true)
        #expect(result19 == [.stopReading])
        let result20 = machine.inputEndedWithClientGone(requestOpen: false)
        #expect(result20 == [.close])
    }

    @Test func clientFIN_afterAPipelinedAnswerStarted_leavesTheWriteAlone() {
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        _ = machine.clientClosed(reset: false)
        machine.handlerStarted()
        _ = machine.responseReady(wanted: true, now: 5)
        let result21 = machine.inputEndedWithClientGone(requestOpen: false)
        #expect(result21 == [])
    }

    @Test func clientGone_whileHandling_abortsTheRequest_andItsAnswerCloses() {
        var machine = Self.handling()
        let result22 = machine.clientClosed(reset: true)
        #expect(result22 == [.stopReading, .abortExchange])
        #expect(machine.state == .handling)
        let result23 = machine.responseReady(wanted: true, now: 20)
        #expect(!result23)
    }

    @Test func clientGone_whileWriting_closesOnceTheResponseIsOut() {
        var machine = Self.handling()
        let result24 = machine.responseReady(wanted: true, now: 20)
        #expect(result24)
        let result25 = machine.clientClosed(reset: false)
        #expect(result25 == [.stopReading])
        let result26 = machine.writeDone(canLinger: false, now: 30)
        #expect(result26 == [.close])
    }

    @Test func clientGone_whileLingering_closes() {
        var machine = Self.handling()
        _ = machine.responseReady(wanted: false, now: 20)
        _ = machine.writeDone(canLinger: true, now: 30)
        let result27 = machine.clientClosed(reset: false)
        #expect(result27 == [.stopReading, .close])
    }

    @Test func readDeadlines_followTheParsersPhase() {
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        let d = Self.deadlines
        #expect(machine.expiry(at: d.idle, parser: .idle, deadlines: d) == nil)
        #expect(machine.expiry(at: d.idle + 1, parser: .idle, deadlines: d) == .close)
        #expect(machine.expiry(at: d.header + 1, parser: .head, deadlines: d) == .requestTimeout(header: true))
        #expect(machine.expiry(at: 0, parser: .failed, deadlines: d) == .close)
        machine.headReceived(now: 100)
        #expect(machine.expiry(at: 100 + d.body + 1, parser: .body, deadlines: d) == .requestTimeout(header: false))
    }

    @Test func sweepReadingFromBeforeThePhase_neverExpires() {
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        machine.headReceived(now: 1_000)
        #expect(machine.expiry(at: 500, parser: .body, deadlines: Self.deadlines) == nil)
    }

    @Test func pausedReading_stopsTheBodyDeadline_notTheSendDeadline() {
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        let d = Self.deadlines
        machine.headReceived(now: 0)
        machine.handlerStarted()
        _ = machine.pauseReads(now: 10)
        #expect(machine.expiry(at: 10 * d.body, parser: .body, deadlines: d) == nil)
        _ = machine.responseReady(wanted: true, now: 20)
        #expect(machine.expiry(at: 20 + d.send + 1, parser: .idle, deadlines: d) == .close)
    }

    @Test func handlingHasNoDeadline() {
        let machine = Self.handling()
        #expect(machine.expiry(at: 100 * Self.second, parser: .body, deadlines: Self.deadlines) == nil)
    }

    @Test func draining_closesBetweenRequests_givesANewConnectionItsWindow() {
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        #expect(!machine.closesWhenDraining(parser: .idle, openFor: Self.second / 2, window: Self.second))
        #expect(machine.closesWhenDraining(parser: .idle, openFor: 2 * Self.second, window: Self.second))
        #expect(!machine.closesWhenDraining(parser: .head, openFor: 2 * Self.second, window: Self.second))
        machine.handlerStarted()
        _ = machine.responseReady(wanted: true, now: 5)
        #expect(!machine.closesWhenDraining(parser: .idle, openFor: 0, window: Self.second))
        _ = machine.writeDone(canLinger: true, now: 6)
        #expect(machine.closesWhenDraining(parser: .idle, openFor: 0, window: Self.second))
    }
}
