import Foundation
import Testing

@testable import HTTPServer

/// The compute pool and its queue: shedding before the body, inline routes never waiting, aborts.
@Suite struct LoadTests {
    static func slowRequest(_ body: String = "{}") -> String {
        "POST /slow HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    @Test func fullQueue_sheds503WithRetryAfterBeforeTheBody() throws {
        let server = try TestServer()  // 1 worker, queue 1
        defer { server.stop() }
        let busy = try server.client()
        let queued = try server.client()
        busy.send(Self.slowRequest())
        #expect(server.eventually { server.probe.started.load(ordering: .relaxed) == 1 })
        queued.send(Self.slowRequest())
        Thread.sleep(forTimeInterval: 0.1)
        let shed = try server.client()
        shed.send("POST /slow HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
        let response = try #require(shed.readResponse())
        #expect(response.status == 503)
        #expect(response.field("Retry-After") == "1")
        #expect(response.text.contains("overloaded"))
        expectCommonFields(response)
        // The body (under 1 MiB, sent without waiting) is read and dropped; the connection stays.
        #expect(!response.closes)
        shed.send([UInt8](repeating: UInt8(ascii: " "), count: 100_000))
        shed.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(shed.readResponse()?.text == #"{"hello":true}"#)
        server.gate.open()
        #expect(busy.readResponse()?.status == 200)
        #expect(queued.readResponse()?.status == 200)
        #expect(try server.metric("http_requests_shed_total") == 1)
    }

    @Test func shedWithSmallBody_keepsTheConnection() throws {
        let server = try TestServer { $0.queueDepth = 0 }
        defer { server.stop() }
        let busy = try server.client()
        busy.send(Self.slowRequest())
        #expect(server.eventually { server.probe.started.load(ordering: .relaxed) == 1 })
        let client = try server.client()
        client.send(Self.slowRequest("{\"a\":1}") + "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        let shed = try #require(client.readResponse())
        #expect(shed.status == 503 && !shed.closes)
        #expect(client.readResponse()?.text == #"{"hello":true}"#)
    }

    @Test func fullQueue_answersExpectContinueWith503And_no100() throws {
        let server = try TestServer { $0.queueDepth = 0 }
        defer { server.stop() }
        let busy = try server.client()
        busy.send(Self.slowRequest())
        #expect(server.eventually { server.probe.started.load(ordering: .relaxed) == 1 })
        let waiting = try server.client()
        waiting.send(
            "POST /slow HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 500000\r\n\r\n"
        )
        let response = try #require(waiting.readResponse())
        #expect(response.status == 503 && response.closes)
    }

    @Test func nothingIsLost_answeredPlusAbortsEqualsSent() throws {
        let server = try TestServer()
        defer { server.stop() }
        let busy = try server.client()
        let queued = try server.client()
        busy.send(Self.slowRequest())
        #expect(server.eventually { server.probe.started.load(ordering: .relaxed) == 1 })
        queued.send(Self.slowRequest())
        #expect(server.eventually { (try? server.metric("compute_queue_depth")) == 1 })
        let shed = try (0..<3).map { _ in try server.client() }
        for client in shed { client.send(Self.slowRequest()) }
        #expect(shed.allSatisfy { $0.readResponse()?.status == 503 })
        busy.reset()
        let vanishing = try server.client()
        vanishing.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(vanishing.awaitData())
        vanishing.reset()
        let plain = try server.client()
        for _ in 0..<4 {
            plain.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(plain.readResponse()?.status == 200)
        }
        server.gate.open()
        #expect(queued.readResponse()?.status == 200)
        let sent = 1 + 1 + 3 + 1 + 4
        #expect(
            server.eventually {
                let answered = (try? server.answeredRequests()) ?? 0
                let aborts = (try? server.metric("http_client_aborts_total")) ?? 0
                return answered + aborts == Double(sent) && aborts == 2
            })
    }

    @Test func flood_isAnsweredWithOnly200sAnd503s() throws {
        let server = try TestServer()
        defer { server.stop() }
        let clients = try (0..<12).map { _ in try server.client() }
        for client in clients { client.send(Self.slowRequest()) }
        Thread.sleep(forTimeInterval: 0.2)
        server.gate.open()
        let statuses = clients.map { $0.readResponse()?.status }
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 503 }, "\(statuses)")
        #expect(statuses.filter { $0 == 503 }.count >= 10)
    }

    @Test func inlineRoutes_answerWhileComputeIsFull() throws {
        let server = try TestServer()
        defer { server.stop() }
        let busy = try server.client()
        let queued = try server.client()
        busy.send(Self.slowRequest())
        queued.send(Self.slowRequest())
        #expect(server.eventually { server.probe.started.load(ordering: .relaxed) == 1 })
        let probe = try server.client()
        let started = Date()
        for path in ["/healthz", "/readyz", "/metrics"] {
            probe.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(probe.readResponse()?.status == 200)
        }
        probe.send("OPTIONS /slow HTTP/1.1\r\nHost: t\r\nAccess-Control-Request-Method: POST\r\n\r\n")
        #expect(probe.readResponse()?.status == 204)
        #expect(Date().timeIntervalSince(started) < 0.5)
    }

    @Test func clientVanishingMidCompute_isCountedAndCancelled() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send(Self.slowRequest())
        #expect(server.eventually { server.probe.started.load(ordering: .relaxed) == 1 })
        client.reset()
        #expect(server.eventually { server.probe.cancelledSeen.load(ordering: .relaxed) == 1 })
        #expect(server.eventually { (try? server.metric("http_client_aborts_total")) == 1 })
        let next = try server.client()
        next.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(next.readResponse()?.status == 200)
    }

    @Test func clientVanishingMidBody_isCountedAndFreesItsSlot() throws {
        let server = try TestServer { $0.queueDepth = 0 }
        defer { server.stop() }
        let client = try server.client()
        client.send("POST /slow HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        Thread.sleep(forTimeInterval: 0.1)
        client.reset()
        #expect(server.eventually { (try? server.metric("http_client_aborts_total")) == 1 })
        server.gate.open()
        let next = try server.client()
        next.send(Self.slowRequest())
        #expect(next.readResponse()?.status == 200)
    }

    @Test func manyResetsMidBody_freeEveryCompactSlotAtOnce() throws {
        let server = try TestServer {
            $0.bodyTimeout = .seconds(30)
            $0.queueDepth = 4
        }
        defer { server.stop() }
        let body = "[" + String(repeating: "1,", count: 100_000) + "1]"
        for _ in 0..<200 {
            let client = try server.client()
            client.send(
                "POST /slow HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
            )
            client.send(Array(body.utf8.prefix(150_000)))
            client.reset()
        }
        #expect(
            server.eventually(2) {
                (try? server.metric("compute_queue_depth")) == 0 && (try? server.metric("http_requests_in_flight")) == 1
            }, "in flight: \(String(describing: try? server.metric("http_requests_in_flight")))")
        server.gate.open()
        let next = try server.client()
        next.send(Self.slowRequest())
        #expect(next.readResponse()?.status == 200)
    }

    @Test func clientVanishingMidResponse_isCounted() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(client.awaitData())
        client.reset()
        #expect(server.eventually { (try? server.metric("http_client_aborts_total")) == 1 })
        let next = try server.client()
        next.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(next.readResponse()?.status == 200)
    }
}
