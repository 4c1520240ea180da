import Dispatch
import Testing

@testable import HTTPServer

/// Issue 18 at the connection: a compute request is admitted by the queueing delay its estimated
/// work would meet, shed with 503 + Retry-After before its body when that is over the target, and
/// counted by reason.
@Suite struct DelayAdmissionTests {
    static func post(_ path: String, length: Int, body: String = "") -> String {
        "POST \(path) HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\n\r\n\(body)"
    }

    @Test func heavyBacklog_shedsAHeavyRequestBeforeItsBody() {
        let harness = ConnectionHarness {
            $0.workers = 1
            $0.queueDepth = 8
        }
        let held = harness.core.pool.tryReserve(cost: 1.0)
        defer { held?.release() }
        let answer = harness.onLoop {
            harness.clientSends(Self.post("/echo", length: 1_000_000))  // estimated 20 ms: heavy
            harness.connection.readAvailable()
            return harness.clientReceives()
        }
        #expect(ConnectionHarness.statuses(answer) == [503])
        #expect(answer.contains("Retry-After: 1"))
        #expect(answer.contains("expected wait"))
        let metrics = String(decoding: harness.core.metrics.render(), as: UTF8.self)
        #expect(metrics.contains(#"compute_shed_total{reason="queue_delay"} 1"#))
    }

    @Test func heavyBacklog_stillAdmitsALightRequest() {
        let harness = ConnectionHarness {
            $0.workers = 1
            $0.queueDepth = 8
        }
        let held = harness.core.pool.tryReserve(cost: 1.0)
        defer { held?.release() }
        harness.onLoop {
            harness.clientSends(Self.post("/echo", length: 2, body: "{}"))
            harness.connection.readAvailable()
        }
        #expect(ConnectionHarness.statuses(harness.clientAwaits(responses: 1)) == [200])
        let metrics = String(decoding: harness.core.metrics.render(), as: UTF8.self)
        #expect(metrics.contains(#"compute_queue_delay_seconds_count{lane="light"} 1"#))
    }

    @Test func defaults_admitAClassroomBurstOfTheLessonsExample() {
        let defaults = ServerConfiguration()
        let pool = ComputePool(
            workers: 2, queueDepth: defaults.queueDepth, policy: defaults.admissionPolicy,
            lightWorkers: defaults.lightWorkers)
        defer { pool.stop() }
        let lesson = CostModel().estimate(route: "/backward", bodyBytes: 330)  // examples/problem.json, never seen
        let places = (0..<32).compactMap { _ in pool.tryReserve(cost: lesson) }
        #expect(places.count == 32)
    }

    @Test func learnedTinyClass_isAnsweredOnTheLoopWithoutAHandOff() {
        let harness = ConnectionHarness { $0.inlineCutoff = .microseconds(100) }
        harness.core.costs.record(CostModel.key(route: "/echo", bodyBytes: 2), seconds: 3e-6)
        let answer = harness.onLoop {
            harness.clientSends(Self.post("/echo", length: 2, body: "{}"))
            harness.connection.readAvailable()
            return harness.clientReceives()
        }
        #expect(ConnectionHarness.statuses(answer) == [200])
    }

    @Test func unlearnedClass_goesToThePool() {
        let harness = ConnectionHarness { $0.inlineCutoff = .microseconds(100) }
        let answeredAtOnce = harness.onLoop {
            harness.clientSends(Self.post("/echo", length: 2, body: "{}"))
            harness.connection.readAvailable()
            return harness.clientReceives()
        }
        #expect(answeredAtOnce.isEmpty)
        #expect(ConnectionHarness.statuses(harness.clientAwaits(responses: 1)) == [200])
        #expect(harness.core.costs.learned(route: "/echo", bodyBytes: 2) != nil)
    }

    @Test func queuedBody_staysInTheUploadBudgetUntilItsJobEnds() {
        let harness = ConnectionHarness {
            $0.workers = 1
            $0.lightWorkers = 0  // else the light worker runs the small echo at once: it would not queue
            $0.queueDepth = 8
        }
        let gate = Gate()
        defer { gate.open() }
        let busy = harness.core.pool.tryReserve(cost: 0.01)
        let running = DispatchSemaphore(value: 0)
        harness.core.pool.submit(busy!, cost: 0.01) {
            running.signal()
            _ = gate.wait()
        }
        // The worker must be busy before the echo queues: a queued shorter job would be taken first.
        #expect(running.wait(timeout: .now() + 5) == .success)
        harness.onLoop {
            harness.clientSends(Self.post("/echo", length: 2, body: "{}"))
            harness.connection.readAvailable()
        }
        #expect(harness.core.uploads.inUseBytes == 2)
        gate.open()
        #expect(ConnectionHarness.statuses(harness.clientAwaits(responses: 1)) == [200])
        #expect(harness.core.uploads.inUseBytes == 0)
    }

    @Test func lightAnswersOverTheRateWhileHeavyWorkWaits_waitForTheirSlot() {
        let harness = ConnectionHarness {
            $0.inlineCutoff = .microseconds(100)
            $0.lightRate = 1 / 60  // a slot a minute
            $0.lightBurst = 1
        }
        harness.core.costs.record(CostModel.key(route: "/echo", bodyBytes: 2), seconds: 3e-6)
        let heavy = harness.core.pool.tryReserve(cost: 1.0)
        defer { heavy?.release() }
        let first = harness.onLoop {
            for _ in 0..<3 {
                harness.clientSends(Self.post("/echo", length: 2, body: "{}"))
                harness.connection.readAvailable()
            }
            return ConnectionHarness.statuses(harness.clientReceives())
        }
        #expect(first == [200, 200], "the first answer took the one slot free now; the third request waits")
        #expect(harness.onLoop { harness.connection.machine.pacedUntil != nil && harness.connection.state == .reading })
        #expect(
            harness.onLoop { harness.connection.readsPaused && harness.connection.parser.bufferedByteCount == 0 },
            "the next request waits in the socket: reading it now would only cost a wake-up")
        #expect(String(decoding: harness.core.metrics.render(), as: UTF8.self).contains("compute_light_paced_total 1"))
        harness.onLoop { harness.connection.paceEnded() }
        #expect(ConnectionHarness.statuses(harness.clientAwaits(responses: 1)) == [200], "answered at its slot")
    }

    /// The loop's one pacing timer fires about once per paced answer. With an `asyncAfter` per
    /// arming, a connection released by the timer and paced again armed a second timer beside the
    /// loop's own, and the fires multiplied (178,000 for 4,826 answers, a fifth of a core spinning);
    /// a single timer source, rescheduled, cannot do that.
    @Test func pacedClient_looping_firesTheTimerAboutOncePerAnswer() {
        let harness = ConnectionHarness {
            $0.inlineCutoff = .microseconds(100)
            $0.lightRate = 2_000  // a slot every 0.5 ms
            $0.lightBurst = 1
        }
        harness.core.costs.record(CostModel.key(route: "/echo", bodyBytes: 2), seconds: 3e-6)
        let heavy = harness.core.pool.tryReserve(cost: 1.0)
        defer { heavy?.release() }
        var answered = 0
        for _ in 0..<40 {
            harness.onLoop {
                harness.clientSends(Self.post("/echo", length: 2, body: "{}"))
                harness.connection.readAvailable()
            }
            answered += ConnectionHarness.statuses(harness.clientAwaits(responses: 1)).count
        }
        #expect(answered == 40)
        let fires = harness.onLoop { harness.loop.pacingFires }
        #expect(fires >= 1 && fires <= 41, "\(fires) timer fires for 40 answers")
    }

    @Test func lightAnswerWithNoHeavyWork_readsOnAtOnce() {
        let harness = ConnectionHarness {
            $0.inlineCutoff = .microseconds(100)
            $0.lightRate = 1 / 60  // a slot a minute
            $0.lightBurst = 1
        }
        harness.core.costs.record(CostModel.key(route: "/echo", bodyBytes: 2), seconds: 3e-6)
        let both = harness.onLoop {
            harness.clientSends(Self.post("/echo", length: 2, body: "{}"))
            harness.connection.readAvailable()
            harness.clientSends(Self.post("/echo", length: 2, body: "{}"))
            harness.connection.readAvailable()
            return ConnectionHarness.statuses(harness.clientReceives())
        }
        #expect(both == [200, 200])
    }
}
