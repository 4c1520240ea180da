import Foundation
import HTTP1
import Logging
import Synchronization
import Testing

@testable import HTTPServer

/// A gate a slow test handler waits on, opened by the test.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let opened = Atomic<Bool>(false)
    func open() {
        if !opened.exchange(true, ordering: .acquiringAndReleasing) { for _ in 0..<64 { semaphore.signal() } }
    }
    /// Waits until opened or the timeout; true when opened.
    func wait(seconds: Double = 5) -> Bool { semaphore.wait(timeout: .now() + seconds) == .success }
}

/// What test handlers observed.
final class Probe: Sendable {
    let cancelledSeen = Atomic<Int>(0)
    let started = Atomic<Int>(0)
    let finished = Atomic<Int>(0)
}

/// A server on 127.0.0.1 port 0 with test-local routes and deadlines shrunk to about a second.
struct TestServer {
    let server: Server
    let port: Int
    let gate = Gate()
    let probe = Probe()

    static func configuration(_ tweak: (inout ServerConfiguration) -> Void = { _ in }) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.workers = 1
        configuration.queueDepth = 1
        // One compute thread and every compute request on it, so a test's held /slow request fills
        // the pool as it did before the light lane and inline tiny requests (issue 18); those have
        // their own tests (ComputeSchedulingTests, DelayAdmissionTests).
        configuration.lightWorkers = 0
        configuration.inlineCutoff = .zero
        configuration.lightRate = 0
        configuration.eventLoops = 2
        configuration.headerTimeout = .milliseconds(800)
        configuration.bodyTimeout = .milliseconds(800)
        configuration.idleTimeout = .milliseconds(800)
        configuration.sendTimeout = .milliseconds(800)
        configuration.lingerTimeout = .milliseconds(300)
        configuration.drainGrace = .milliseconds(200)
        configuration.limits.maxBodyBytes = 1_048_576
        tweak(&configuration)
        return configuration
    }

    init(_ tweak: (inout ServerConfiguration) -> Void = { _ in }) throws {
        let gate = self.gate
        let probe = self.probe
        server = try Server(
            configuration: Self.configuration(tweak), routes: Self.routes(gate: gate, probe: probe),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        port = try server.start()
    }

    static func routes(gate: Gate, probe: Probe) -> [Route] {
        [
            Route("GET", "/hello", lane: .inline) { _, _ in .json(200, Array(#"{"hello":true}"#.utf8)) },
            Route("POST", "/echo", lane: .compute) { request, _ in .json(200, request.body) },
            Route("POST", "/slow", lane: .compute) { request, context in
                probe.started.add(1, ordering: .relaxed)
                while !gate.wait(seconds: 0.02) {
                    if context.isCancelled() {
                        probe.cancelledSeen.add(1, ordering: .relaxed)
                        break
                    }
                }
                probe.finished.add(1, ordering: .relaxed)
                return .json(200, request.body)
            },
            Route("GET", "/big", lane: .inline) { _, _ in
                .json(200, [UInt8](repeating: UInt8(ascii: "x"), count: 16 << 20))
            },
        ]
    }

    func client() throws -> RawClient { try RawClient(port: port) }

    /// A sample from `/metrics`, e.g. `http_client_aborts_total`.
    func metric(_ name: String) throws -> Double? {
        let client = try client()
        client.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n")
        let text = client.readResponse()?.text ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
            .flatMap { Double($0.split(separator: " ").last!) }
    }

    /// The sum of `http_requests_total` over routes other than /metrics.
    func answeredRequests() throws -> Double {
        let client = try client()
        client.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n")
        return (client.readResponse()?.text ?? "").split(separator: "\n")
            .filter { $0.hasPrefix("http_requests_total{") && !$0.contains(#"route="/metrics""#) }
            .compactMap { Double($0.split(separator: " ").last!) }
            .reduce(0, +)
    }

    /// Polls `condition` for up to `seconds`.
    func eventually(_ seconds: Double = 3, _ condition: () throws -> Bool) rethrows -> Bool {
        try Self.eventually(seconds, condition)
    }

    static func eventually(_ seconds: Double = 3, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try condition()
    }

    func stop() {
        gate.open()
        server.stop()
    }
}

/// Every response carries these (docs/HTTP-CASES.md).
func expectCommonFields(_ response: WireResponse, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.field("Access-Control-Allow-Origin") == "*", sourceLocation: sourceLocation)
    #expect(response.field("Access-Control-Expose-Headers") == "Retry-After", sourceLocation: sourceLocation)
    #expect(response.field("Date")?.hasSuffix(" GMT") == true, sourceLocation: sourceLocation)
    if response.status != 204 {
        #expect(response.field("Content-Length") != nil, sourceLocation: sourceLocation)
        #expect(response.field("Content-Type") != nil, sourceLocation: sourceLocation)
    }
}
