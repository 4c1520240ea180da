import Foundation
import Synchronization
import Testing

@testable import HTTPServer

/// Drain: readiness off at once, grace, listener closed, idle closed, in-flight finished with close.
@Suite struct LifecycleTests {
    @Test func drain_finishesInFlightAndClosesIdle() throws {
        let server = try TestServer()
        defer { server.stop() }
        let inFlight = try server.client()
        let idle = try server.client()
        let probe = try server.client()
        idle.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(idle.readResponse()?.status == 200)
        inFlight.send(LoadTests.slowRequest())
        #expect(server.eventually { server.probe.started.load(ordering: .relaxed) == 1 })

        let drained = Flag()
        server.server.drain { drained.set() }
        probe.send("GET /readyz HTTP/1.1\r\nHost: t\r\n\r\n")
        let readiness = try #require(probe.readResponse())
        #expect(readiness.status == 503 && readiness.closes)

        #expect(idle.seesClose())
        #expect(throws: (any Error).self) { _ = try RawClient(port: server.port) }
        #expect(!drained.isSet)
        server.gate.open()
        let last = try #require(inFlight.readResponse())
        #expect(last.status == 200 && last.closes)
        #expect(server.eventually { drained.isSet })
    }

    @Test func drainWithNothingOpen_completesAfterTheGrace() throws {
        let server = try TestServer()
        defer { server.stop() }
        let drained = Flag()
        server.server.drain { drained.set() }
        #expect(!server.server.isReady)
        #expect(server.eventually(2) { drained.isSet })
    }

    @Test func builtinRoutes_answer() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send(
            "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\nGET /readyz HTTP/1.1\r\nHost: t\r\n\r\nGET /metrics HTTP/1.1\r\nHost: t\r\n\r\n"
        )
        #expect(client.readResponse()?.text == #"{"status":"ok"}"#)
        #expect(client.readResponse()?.status == 200)
        let metrics = try #require(client.readResponse())
        #expect(metrics.field("Content-Type")?.hasPrefix("text/plain") == true)
        for name in [
            "http_requests_total{", "http_request_duration_seconds_bucket{", "http_requests_in_flight ",
            "compute_queue_depth ", "http_requests_shed_total ", "http_client_aborts_total ",
            "http_open_connections ", "http_received_bytes_total ", "http_sent_bytes_total ",
            "process_open_fds ", "process_resident_memory_bytes ", "process_heap_in_use_bytes ",
            "process_heap_kept_bytes ", "compute_light_paced_total ", "process_large_buffers_kept_bytes ",
        ] {
            #expect(metrics.text.contains(name), "missing \(name)")
        }
        #expect(metrics.text.contains(#"http_requests_total{route="/healthz",method="GET",status="200"} 1"#))
    }

    @Test func infoLabels_areOneConstantSeries_andAbsentWhenNoneAreGiven() throws {
        let server = try TestServer { $0.infoLabels = [("kernels", "avx2"), ("cpu_supports", "avx2,portable")] }
        defer { server.stop() }
        let client = try server.client()
        client.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n")
        let text = try #require(client.readResponse()).text
        #expect(text.contains(#"server_info{kernels="avx2",cpu_supports="avx2,portable"} 1"#), "\(text.prefix(400))")
        let plain = try TestServer()
        defer { plain.stop() }
        let other = try plain.client()
        other.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try #require(other.readResponse()).text.contains("server_info") == false)
    }

    @Test func unknownMethods_shareOneMetricsSeries() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("FOO /x HTTP/1.1\r\nHost: t\r\n\r\nBAR /y HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(client.readResponse()?.status == 501)
        #expect(client.readResponse()?.status == 501)
        // A response counts once written; the loop may record it a moment after the client has it.
        #expect(
            server.eventually {
                (try? server.metric(#"http_requests_total{route="unmatched",method="other",status="501"}"#)) == 2
            })
    }

    @Test func drainBeforeStart_completes() throws {
        let server = try Server(configuration: TestServer.configuration(), routes: [])
        defer { server.stop() }
        let drained = Flag()
        server.drain { drained.set() }
        #expect(TestServer.eventually(2) { drained.isSet })
    }

    @Test func ipv6Loopback_isServed() throws {
        let server = try TestServer { $0.host = "::1" }
        defer { server.stop() }
        let client = try RawClient(port: server.port, host: "::1")
        client.send("GET /healthz HTTP/1.1\r\nHost: [::1]\r\n\r\n")
        #expect(client.readResponse()?.status == 200)
    }
}

/// A one-way flag a callback sets and a test reads.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
