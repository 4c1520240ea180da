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
        let keepsAlive1 = machine.responseReady(wanted: true, now: 20)
        #expect(keepsAlive1)
        #expect(machine.state == .writing)
        let actions2 = machine.writeDone(canLinger: true, now: 30)
        #expect(actions2 == [.processInput])
        #expect(machine.state == .reading && machine.requestsAnswered == 1)
    }

    @Test func closingResponse_lingersThenCloses() {
        var machine = Self.handling()
        let keepsAlive3 = machine.responseReady(wanted: false, now: 20)
        #expect(!keepsAlive3)
        let actions4 = machine.writeDone(canLinger: true, now: 30)
        #expect(actions4 == [.shutWriteSide])
        #expect(machine.state == .lingering)
        #expect(machine.expiry(at: 30 + Self.deadlines.linger + 1, parser: .idle, deadlines: Self.deadlines) == .close)
        let actions5 = machine.close()
        #expect(actions5 == [.close])
        let actions6 = machine.close()
        #expect(actions6 == [])
    }

    @Test func closingResponse_withNoReadSourceLeft_closesAtOnce() {
        var machine = Self.handling()
        _ = machine.responseReady(wanted: false, now: 20)
        let actions7 = machine.writeDone(canLinger: false, now: 30)
        #expect(actions7 == [.close])
        #expect(machine.state == .closed)
    }

    @Test func writeDone_outsideWriting_doesNothing() {
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        let actions8 = machine.writeDone(canLinger: true, now: 5)
        #expect(actions8 == [])
        #expect(machine.state == .reading)
    }

    @Test func lastAllowedRequest_isAnsweredWithClose() {
        var machine = Self.handling(maxRequests: 2)
        let keepsAlive9 = machine.responseReady(wanted: true, now: 20)
        #expect(keepsAlive9)
        _ = machine.writeDone(canLinger: true, now: 30)
        machine.handlerStarted()
        let keepsAlive10 = machine.responseReady(wanted: true, now: 40)
        #expect(!keepsAlive10)
    }

    @Test func backPressure_pausesOnlyWhileAResponseIsPending_andResumesAfterIt() {
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        let actions11 = machine.readFinished(buffered: 2 << 20, limit: 1 << 20, now: 1)
        #expect(actions11 == [])
        machine.handlerStarted()
        let actions12 = machine.readFinished(buffered: 1 << 20, limit: 1 << 20, now: 2)
        #expect(actions12 == [])
        let actions13 = machine.readFinished(buffered: 2 << 20, limit: 1 << 20, now: 3)
        #expect(actions13 == [.pauseReads])
        let actions14 = machine.readFinished(buffered: 3 << 20, limit: 1 << 20, now: 4)
        #expect(actions14 == [])
        _ = machine.responseReady(wanted: true, now: 5)
        let actions15 = machine.writeDone(canLinger: true, now: 6)
        #expect(actions15 == [.resumeReads, .processInput])
    }

    @Test func pausedConnection_resumesReadingToLinger() {
        var machine = Self.handling()
        _ = machine.pauseReads(now: 15)
        _ = machine.responseReady(wanted: false, now: 20)
        let actions16 = machine.writeDone(canLinger: true, now: 30)
        #expect(actions16 == [.shutWriteSide, .resumeReads])
    }

    @Test func clientFIN_whileReading_answersWhatItSentThenCloses() {
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        let actions17 = machine.clientClosed(reset: false, now: 50)
        #expect(actions17 == [.stopReading, .processInput])
        let actions18 = machine.inputEndedWithClientGone(requestOpen: true)
        #expect(actions18 == [.abortExchange, .close])
    }

    @Test func clientReset_whileReading_closesWithoutParsing() {
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        let actions19 = machine.clientClosed(reset: true, now: 50)
        #expect(actions19 == [.stopReading])
        let actions20 = machine.inputEndedWithClientGone(requestOpen: false)
        #expect(actions20 == [.close])
    }

    @Test func clientFIN_afterAPipelinedAnswerStarted_leavesTheWriteAlone() {
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        _ = machine.clientClosed(reset: false, now: 50)
        machine.handlerStarted()
        _ = machine.responseReady(wanted: true, now: 5)
        let actions21 = machine.inputEndedWithClientGone(requestOpen: false)
        #expect(actions21 == [])
    }

    @Test func clientGone_whileHandling_abortsTheRequest_andItsAnswerCloses() {
        var machine = Self.handling()
        let actions22 = machine.clientClosed(reset: true, now: 50)
        #expect(actions22 == [.stopReading, .abortExchange])
        #expect(machine.state == .handling)
        let keepsAlive23 = machine.responseReady(wanted: true, now: 20)
        #expect(!keepsAlive23)
    }

    @Test func clientGone_whileWriting_closesOnceTheResponseIsOut() {
        var machine = Self.handling()
        let keepsAlive24 = machine.responseReady(wanted: true, now: 20)
        #expect(keepsAlive24)
        let actions25 = machine.clientClosed(reset: false, now: 50)
        #expect(actions25 == [.stopReading])
        let actions26 = machine.writeDone(canLinger: false, now: 30)
        #expect(actions26 == [.close])
    }

    @Test func clientGone_whileLingering_closes() {
        var machine = Self.handling()
        _ = machine.responseReady(wanted: false, now: 20)
        _ = machine.writeDone(canLinger: true, now: 30)
        let actions27 = machine.clientClosed(reset: false, now: 50)
        #expect(actions27 == [.stopReading, .close])
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
