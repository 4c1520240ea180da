import Foundation
import Testing

@testable import HTTPServer

/// Many idle keep-alive connections and slowloris clients cost little and block nobody.
@Suite struct ScaleTests {
    @Test func manyIdleKeepAliveConnections_areHeldAndOthersServed() throws {
        let server = try TestServer { $0.idleTimeout = .seconds(10) }
        defer { server.stop() }
        let idle = try (0..<300).map { _ in try server.client() }
        for client in idle { client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n") }
        #expect(idle.allSatisfy { $0.readResponse()?.status == 200 })
        #expect(try server.metric("http_open_connections") == 301)
        let started = Date()
        let fresh = try server.client()
        fresh.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(fresh.readResponse()?.status == 200)
        #expect(Date().timeIntervalSince(started) < 0.5)
        for client in idle.prefix(10) {
            client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(client.readResponse()?.status == 200)
        }
    }

    @Test func slowlorisClients_areCutAtTheHeaderDeadlineWhileOthersAreServed() throws {
        let server = try TestServer()
        defer { server.stop() }
        let slow = try (0..<50).map { _ in try server.client() }
        for client in slow { client.send("GET /hello HTTP/1.1\r\nHost: t\r\n") }
        let normal = try server.client()
        for _ in 0..<3 {
            for client in slow { client.send("X-Drip: 1\r\n") }
            normal.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(normal.readResponse()?.status == 200)
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(slow.allSatisfy { $0.readResponse()?.status == 408 })
    }
}
