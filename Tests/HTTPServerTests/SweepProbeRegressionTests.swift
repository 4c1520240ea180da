import Dispatch
import Testing

@testable import HTTPServer

/// Issue 20: the deadline sweep reads the clock once, then probes a connection that holds an
/// upload place; the probe may read and answer a request and start the next phase after that
/// reading. That phase used to count as 2^64 ns old (an unsigned wrap-around): a body sent at
/// once got 408, an idle keep-alive connection was closed just after its answer.
@Suite struct SweepProbeRegressionTests {
    static let headThenHalfBody =
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n{\""

    /// The compute request's body is half in; the pool fills up meanwhile, so the rest of the
    /// body, read by the sweep's probe, gets 503 at once and the connection reads on.
    private func halfBodyWithPoolFull() -> (ConnectionHarness, Place?) {
        let harness = ConnectionHarness {
            $0.workers = 1
            $0.queueDepth = 0
        }
        harness.onLoop {
            harness.clientSends(Self.headThenHalfBody)
            harness.connection.readAvailable()
        }
        return (harness, harness.core.pool.tryReserve())
    }

    @Test func probeStartingABody_isNotTimedOut() {
        let (harness, place) = halfBodyWithPoolFull()
        defer { place?.release() }
        harness.onLoop {
            let sweepNow = DispatchTime.now().uptimeNanoseconds
            harness.clientSends(
                "\"}"
                    + "POST /inline HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n")
            harness.connection.checkDeadlines(now: sweepNow)
        }
        #expect(ConnectionHarness.statuses(harness.clientReceives()) == [503])
        #expect(harness.onLoop { harness.connection.state } == .reading)
        harness.clientSends("{}")
        #expect(
            harness.onLoop {
                harness.connection.readAvailable()
                return ConnectionHarness.statuses(harness.clientReceives())
            } == [200])
    }

    @Test func probeEndingARequest_keepsTheIdleConnection() {
        let (harness, place) = halfBodyWithPoolFull()
        defer { place?.release() }
        harness.onLoop {
            let sweepNow = DispatchTime.now().uptimeNanoseconds
            harness.clientSends("\"}")
            harness.connection.checkDeadlines(now: sweepNow)
        }
        #expect(ConnectionHarness.statuses(harness.clientReceives()) == [503])
        #expect(harness.onLoop { harness.connection.state } == .reading)
    }
}

/// Issue 20: the body deadline measures the client's slowness; while the server has paused
/// reading a connection, that connection's clock stands still.
@Suite struct PausedBodyDeadlineTests {
    @Test func pausedReading_doesNotCountAgainstTheBody() {
        let harness = ConnectionHarness()
        let timeout = harness.core.configuration.bodyTimeout.nanoseconds
        let sent = harness.onLoop {
            harness.clientSends(SweepProbeRegressionTests.headThenHalfBody)
            harness.connection.readAvailable()
            harness.connection.pauseReads()
            harness.connection.checkDeadlines(now: DispatchTime.now().uptimeNanoseconds + 10 * timeout)
            return harness.clientReceives()
        }
        #expect(sent.isEmpty)
        let timedOut = harness.onLoop {
            harness.connection.resumeReads()
            harness.connection.checkDeadlines(now: DispatchTime.now().uptimeNanoseconds + 2 * timeout)
            return ConnectionHarness.statuses(harness.clientReceives())
        }
        #expect(timedOut == [408])
    }
}
