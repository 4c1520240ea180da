import Foundation
import Testing

@testable import HTTPServer

/// Keep-alive, pipelining, 100-continue, per-connection request limit.
@Suite struct ConnectionTests {
    @Test func keepAlive_reusesOneConnection() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        for index in 0..<5 {
            let body = "{\"n\":\(index)}"
            client.send(
                "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            )
            let response = try #require(client.readResponse())
            #expect(response.text == body && !response.closes)
        }
    }

    @Test func pipelinedRequests_areAnsweredInOrder() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        var raw = ""
        for index in 0..<20 {
            raw +=
                index % 2 == 0
                ? "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(String(index).count)\r\n\r\n\(index)"
                : "GET /hello?\(index) HTTP/1.1\r\nHost: t\r\n\r\n"
        }
        client.send(raw)
        for index in 0..<20 {
            let response = try #require(client.readResponse())
            #expect(response.text == (index % 2 == 0 ? String(index) : #"{"hello":true}"#))
        }
    }

    @Test func expectContinue_sends100ThenTheAnswer() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send(
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"
        )
        let interim = try #require(client.readResponse())
        #expect(interim.status == 100)
        client.send("{}")
        #expect(client.readResponse()?.text == "{}")
    }

    @Test(arguments: [
        ("Content-Length: 2000000\r\nContent-Type: application/json", 413),
        ("Content-Length: 2\r\nContent-Type: text/plain", 415),
    ])
    func expectContinue_refusedAtOnceWithout100(_ fields: String, _ status: Int) throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n\(fields)\r\n\r\n")
        let response = try #require(client.readResponse())
        #expect(response.status == status)
        #expect(response.closes)
    }

    @Test func expectContinueOnHTTP10_isIgnored() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send(
            "POST /echo HTTP/1.0\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}"
        )
        let response = try #require(client.readResponse())
        #expect(response.status == 200 && response.text == "{}")
    }

    @Test func halfClosedClient_stillGetsInlineAnswers() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        client.shutdownWrite()
        #expect(client.readResponse()?.status == 200)
        #expect(client.readResponse()?.status == 200)
        #expect(client.seesClose())
        #expect(try server.metric("http_client_aborts_total") == 0)
    }

    @Test func closeBeforeComputeAnswer_isAnAbortWhateverTheTiming() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("POST /slow HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        client.shutdownWrite()
        #expect(client.seesClose())
        #expect(server.eventually { (try? server.metric("http_client_aborts_total")) == 1 })
    }

    @Test func lastAllowedRequest_closesTheConnection() throws {
        let server = try TestServer { $0.maxRequestsPerConnection = 3 }
        defer { server.stop() }
        let client = try server.client()
        client.send(String(repeating: "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n", count: 3))
        #expect(client.readResponse()?.closes == false)
        #expect(client.readResponse()?.closes == false)
        #expect(client.readResponse()?.closes == true)
        #expect(client.seesClose())
    }

    @Test func largeBody_arrivesInPieces() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        let body = "[" + Array(repeating: "1.5", count: 100_000).joined(separator: ",") + "]"
        client.send(
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        )
        let bytes = Array(body.utf8)
        for start in stride(from: 0, to: bytes.count, by: 50_000) {
            client.send(Array(bytes[start..<min(bytes.count, start + 50_000)]))
        }
        #expect(client.readResponse()?.body == bytes)
    }
}
