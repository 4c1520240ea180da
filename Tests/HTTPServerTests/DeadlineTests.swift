import Foundation
import Testing

@testable import HTTPServer

/// Deadlines shrunk to 0.8 s: header and body 408 +close, idle quiet close.
@Suite struct DeadlineTests {
    @Test func slowHeaders_get408AndClose() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        let started = Date()
        client.send("GET /hello HTTP/1.1\r\nHost: t\r\n")
        Thread.sleep(forTimeInterval: 0.3)
        client.send("X-Slow: 1\r\n")
        let response = try #require(client.readResponse())
        #expect(response.status == 408 && response.closes)
        #expect(response.text.contains("request_timeout"))
        #expect(Date().timeIntervalSince(started) < 2.5)
        #expect(client.seesClose())
    }

    @Test func slowBody_gets408AndClose() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send(
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"a\"")
        let response = try #require(client.readResponse())
        #expect(response.status == 408 && response.closes)
        #expect(client.seesClose())
    }

    @Test func idleKeepAlive_isClosedQuietly() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(client.readResponse()?.status == 200)
        #expect(client.seesClose())
    }

    @Test func idleNewConnection_isClosedQuietly() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        #expect(client.seesClose())
    }

    @Test func activeKeepAlive_outlivesTheIdleTimeout() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        for _ in 0..<4 {
            Thread.sleep(forTimeInterval: 0.4)
            client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(client.readResponse()?.status == 200)
        }
    }
}
