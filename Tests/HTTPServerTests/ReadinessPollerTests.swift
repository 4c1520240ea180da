import Foundation
import Testing

@testable import HTTPServer

/// One epoll set per event loop tells its connections when bytes arrive (ReadinessPoller.swift).
/// These run on one loop, so every connection shares one set.
@Suite struct ReadinessPollerTests {
    @Test func connectionsReadableAtOnce_areAllAnswered() throws {
        let server = try TestServer { $0.eventLoops = 1 }
        defer { server.stop() }
        let clients = try (0..<64).map { _ in try server.client() }
        for (index, client) in clients.enumerated() { client.send("GET /hello?\(index) HTTP/1.1\r\nHost: t\r\n\r\n") }
        #expect(clients.allSatisfy { $0.readResponse()?.status == 200 })
        for client in clients { client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n") }
        #expect(clients.allSatisfy { $0.readResponse()?.status == 200 })
    }

    /// The kernel gives a closed connection's descriptor number to the next one: the set must have
    /// forgotten the old one, and watch the new one.
    @Test func descriptorReusedByTheNextConnection_isWatchedAfresh() throws {
        let server = try TestServer { $0.eventLoops = 1 }
        defer { server.stop() }
        for index in 0..<40 {
            let client = try server.client()
            client.send("GET /hello?\(index) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(client.readResponse()?.status == 200)
            #expect(client.seesClose())
        }
        // Only the connection that reads /metrics is open.
        #expect(server.eventually { (try? server.metric("http_open_connections")) == 1 })
    }

    /// Pipelined bytes past the limit pause the connection's reads (out of the set) while an answer
    /// is computed; resumed, it reads what arrived meanwhile and answers every request in order.
    @Test func readsPausedBehindASlowAnswer_resumeAndAnswerThePipelinedRest() throws {
        let server = try TestServer { $0.eventLoops = 1 }
        defer { server.stop() }
        let client = try server.client()
        let body = String(repeating: "7", count: 60_000)
        var raw = "POST /slow HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        for _ in 0..<30 {
            raw +=
                "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n\(body)"
        }
        #expect(raw.utf8.count > Connection.pipelineBufferLimit + 500_000)  // past the limit while /slow computes
        client.send(raw)
        #expect(server.eventually { server.probe.started.load(ordering: .relaxed) == 1 })
        server.gate.open()
        #expect(client.readResponse()?.text == "{}")
        for _ in 0..<30 { #expect(client.readResponse()?.text == body) }
    }
}
