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
        _ = machine.requestComplete(run: .pool)
        return machine
    }

    @Test func keepAliveResponse_returnsToReadingAndParsesWhatIsBuffered() {
        var machine = Self.handling()
        let keepsAlive1 = machine.responseReady(wanted: true, now: 20) == [.write(keepAlive: true)]
        #expect(keepsAlive1)
        #expect(machine.state == .writing)
        let actions2 = machine.writeDone(canLinger: true, now: 30)
        #expect(actions2 == [.processInput])
        #expect(machine.state == .reading && machine.requestsAnswered == 1)
    }

    @Test func closingResponse_lingersThenCloses() {
        var machine = Self.handling()
        let keepsAlive3 = machine.responseReady(wanted: false, now: 20) == [.write(keepAlive: true)]
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
        let keepsAlive9 = machine.responseReady(wanted: true, now: 20) == [.write(keepAlive: true)]
        #expect(keepsAlive9)
        _ = machine.writeDone(canLinger: true, now: 30)
        _ = machine.requestComplete(run: .pool)
        let keepsAlive10 = machine.responseReady(wanted: true, now: 40) == [.write(keepAlive: true)]
        #expect(!keepsAlive10)
    }

    @Test func backPressure_pausesOnlyWhileAResponseIsPending_andResumesAfterIt() {
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        let actions11 = machine.readFinished(buffered: 2 << 20, limit: 1 << 20, now: 1)
        #expect(actions11 == [])
        _ = machine.requestComplete(run: .pool)
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
        _ = machine.requestComplete(run: .inline)
        _ = machine.responseReady(wanted: true, now: 5)
        let actions21 = machine.inputEndedWithClientGone(requestOpen: false)
        #expect(actions21 == [])
    }

    @Test func clientGone_whileHandling_abortsTheRequest_andItsAnswerCloses() {
        var machine = Self.handling()
        let actions22 = machine.clientClosed(reset: true, now: 50)
        #expect(actions22 == [.stopReading, .abortExchange])
        #expect(machine.state == .handling)
        let keepsAlive23 = machine.responseReady(wanted: true, now: 20) == [.write(keepAlive: true)]
        #expect(!keepsAlive23)
    }

    @Test func clientGone_whileWriting_closesOnceTheResponseIsOut() {
        var machine = Self.handling()
        let keepsAlive24 = machine.responseReady(wanted: true, now: 20) == [.write(keepAlive: true)]
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
        _ = machine.requestComplete(run: .pool)
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
        _ = machine.requestComplete(run: .pool)
        _ = machine.responseReady(wanted: true, now: 5)
        #expect(!machine.closesWhenDraining(parser: .idle, openFor: 0, window: Self.second))
        _ = machine.writeDone(canLinger: true, now: 6)
        #expect(machine.closesWhenDraining(parser: .idle, openFor: 0, window: Self.second))
    }

    // MARK: The request's run, its answer, pacing, deadlines as events

    @Test func completeRequest_runsWhereTheConnectionPlacedIt() {
        for (run, expected) in [
            (ConnectionMachine.Run.inline, ConnectionMachine.Action.runInline), (.inlineCompute, .runInline),
            (.pool, .submit),
        ] {
            var machine = ConnectionMachine(now: 0, maxRequests: 10)
            #expect(machine.requestComplete(run: run) == [expected])
            #expect(machine.state == .handling)
            #expect(machine.requestComplete(run: run) == [], "a second completion while handling")
        }
    }

    @Test func computeRequest_ofAClientGoneBeforeItStarted_isAnAbort_aBuiltinRouteIsStillAnswered() {
        for run in [ConnectionMachine.Run.inlineCompute, .pool] {
            var machine = ConnectionMachine(now: 0, maxRequests: 10)
            _ = machine.clientClosed(reset: false, now: 5)
            #expect(machine.requestComplete(run: run) == [.abortExchange, .close])
            #expect(machine.state == .closed)
        }
        var machine = ConnectionMachine(now: 0, maxRequests: 10)
        _ = machine.clientClosed(reset: false, now: 5)
        #expect(machine.requestComplete(run: .inline) == [.runInline])
        #expect(machine.handlerFinished(cancelled: false, wanted: true, now: 6) == [.write(keepAlive: false)])
    }

    @Test func handlerAnswer_isWritten_unlessItsClientHasGone() {
        var machine = Self.handling()
        #expect(machine.handlerFinished(cancelled: false, wanted: true, now: 20) == [.write(keepAlive: true)])
        #expect(machine.state == .writing)
        #expect(machine.handlerFinished(cancelled: false, wanted: true, now: 21) == [], "no second answer")
        var gone = Self.handling()
        #expect(gone.handlerFinished(cancelled: true, wanted: true, now: 20) == [.close])
        #expect(gone.state == .closed)
    }

    @Test func answerWhileWriting_isRefused() {
        var machine = Self.handling()
        _ = machine.responseReady(wanted: true, now: 20)
        #expect(machine.responseReady(wanted: true, now: 21) == [])
        #expect(machine.requestsAnswered == 1)
    }

    @Test func pacedConnection_readsNothingUntilThePaceEnds_andItsDeadlinesStop() {
        var machine = Self.handling()
        _ = machine.responseReady(wanted: true, now: 20)
        #expect(
            machine.writeDone(canLinger: true, pacing: 2_000_000, now: 30) == [.pauseReads, .pace(until: 2_000_030)])
        #expect(machine.state == .reading && !machine.parsesInput && machine.readsPaused)
        let d = Self.deadlines
        #expect(machine.expiry(at: 30 + 10 * d.idle, parser: .idle, deadlines: d) == nil, "paced time is the server's")
        #expect(machine.paceEnded(now: 2_000_030) == [.resumeReads, .processInput])
        #expect(machine.parsesInput && !machine.readsPaused)
        #expect(machine.paceEnded(now: 2_000_031) == [], "ended once")
        #expect(machine.expiry(at: 2_000_030 + d.idle + 1, parser: .idle, deadlines: d) == .close)
    }

    @Test func zeroPacing_readsOnAtOnce() {
        var machine = Self.handling()
        _ = machine.responseReady(wanted: true, now: 20)
        #expect(machine.writeDone(canLinger: true, pacing: 0, now: 30) == [.processInput])
        #expect(machine.parsesInput)
    }

    @Test func clientFIN_whilePaced_endsThePace_soWhatItSentIsAnswered() {
        var machine = Self.handling()
        _ = machine.responseReady(wanted: true, now: 20)
        _ = machine.writeDone(canLinger: true, pacing: 1_000, now: 30)
        #expect(machine.clientClosed(reset: false, now: 40) == [.stopReading, .processInput])
        #expect(machine.parsesInput)
        #expect(machine.paceEnded(now: 1_030) == [], "the loop's timer finds nothing left to end")
    }

    /// Reads paused for pipelined bytes past the limit stay paused through the pace (no resume
    /// and pause again), and its end resumes them; the clock counts neither pause.
    @Test func pipelinePausedConnection_staysPausedThroughThePace_andItsEndResumes() {
        var machine = Self.handling()
        #expect(machine.readFinished(buffered: 2 << 20, limit: 1 << 20, now: 15) == [.pauseReads])
        _ = machine.responseReady(wanted: true, now: 20)
        #expect(machine.writeDone(canLinger: true, pacing: 1_000, now: 30) == [.pace(until: 1_030)])
        #expect(machine.readsPaused)
        let d = Self.deadlines
        #expect(machine.expiry(at: 30 + 10 * d.idle, parser: .head, deadlines: d) == nil, "reads are paused")
        #expect(machine.paceEnded(now: 5_000) == [.resumeReads, .processInput])
        #expect(machine.expiry(at: 5_000 + d.header + 1, parser: .head, deadlines: d) == .requestTimeout(header: true))
    }

    @Test func deadlineCheck_answers408ForALateRequest_closesAQuietOne() {
        let d = Self.deadlines
        var late = ConnectionMachine(now: 0, maxRequests: 10)
        #expect(late.deadlineCheck(at: d.header + 1, parser: .head, deadlines: d) == [.timeOut(header: true)])
        #expect(late.responseReady(wanted: false, now: d.header + 2) == [.write(keepAlive: false)])
        var slowBody = ConnectionMachine(now: 0, maxRequests: 10)
        slowBody.headReceived(now: 10)
        #expect(slowBody.deadlineCheck(at: 10 + d.body + 1, parser: .body, deadlines: d) == [.timeOut(header: false)])
        var quiet = ConnectionMachine(now: 0, maxRequests: 10)
        #expect(quiet.deadlineCheck(at: d.idle, parser: .idle, deadlines: d) == [])
        #expect(quiet.deadlineCheck(at: d.idle + 1, parser: .idle, deadlines: d) == [.close])
        #expect(quiet.deadlineCheck(at: 2 * d.idle, parser: .idle, deadlines: d) == [], "closed once")
    }

    @Test func drainCheck_closesOnlyBetweenRequests() {
        var busy = Self.handling()
        #expect(busy.drainCheck(parser: .idle, openFor: 10 * Self.second, window: Self.second) == [])
        var idle = ConnectionMachine(now: 0, maxRequests: 10)
        #expect(idle.drainCheck(parser: .idle, openFor: 2 * Self.second, window: Self.second) == [.close])
    }

    @Test func answerFromTheHeaderSection_dropsASmallBodyAndKeepsTheConnection_elseCloses() {
        let big = ConnectionMachine.discardableBodyBytes + 1
        let cases: [(BodyFraming, expectsContinue: Bool, closes: Bool, [ConnectionMachine.Action])] = [
            (.none, false, false, [.write(keepAlive: true)]),
            (.length(0), false, false, [.write(keepAlive: true)]),
            (.length(10), false, false, [.discardBody, .write(keepAlive: true)]),
            (.length(ConnectionMachine.discardableBodyBytes), false, false, [.discardBody, .write(keepAlive: true)]),
            (.length(big), false, false, [.write(keepAlive: false)]),
            (.length(10), true, false, [.write(keepAlive: false)]),
            (.chunked, false, false, [.write(keepAlive: false)]),
            (.length(10), false, true, [.write(keepAlive: false)]),
            (.none, false, true, [.write(keepAlive: false)]),
        ]
        for (framing, expectsContinue, closes, expected) in cases {
            var machine = ConnectionMachine(now: 0, maxRequests: 10)
            machine.headReceived(now: 1)
            let actions = machine.answeredBeforeBody(
                framing: framing, expectsContinue: expectsContinue, closes: closes, wanted: true, now: 2)
            #expect(actions == expected, "\(framing) continue \(expectsContinue) closes \(closes)")
        }
        var draining = ConnectionMachine(now: 0, maxRequests: 10)
        #expect(
            draining.answeredBeforeBody(
                framing: .length(10), expectsContinue: false, closes: false, wanted: false, now: 2)
                == [.discardBody, .write(keepAlive: false)])
    }
}
