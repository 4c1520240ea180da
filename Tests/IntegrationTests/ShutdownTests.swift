import Foundation
import GradClient
import Testing

/// SIGTERM drains (openapi.yaml, docs/HTTP-CASES.md): in-flight requests finish and are answered, then the
/// process exits 0. Each test owns its server, since it stops it.
@Suite("Draining on SIGTERM")
struct ShutdownTests {
    @Test("requests in flight at SIGTERM are all answered, /readyz turns 503, the server exits 0")
    func sigterm_answersInFlightRequests_andExits0() throws {
        let server = try ServerProcess.start()
        defer { server.terminate(timeout: 5) }  // a no-op once it has exited
        let body = Array(Problems.slowBackward().utf8)
        let statuses = Locked<[Int]>([])
        let failures = Locked<[String]>([])
        let clients = ThreadGroup(count: 4) { _ in
            do {
                let response = try Client(baseURL: server.baseURL).post("/backward", json: body)
                statuses.withValue { $0.append(response.status) }
                let gradients = (try? JSONTree.object(response.body))?["gradients"] as? [String: Any]
                if response.status == 200, gradients?["0.weight"] == nil {
                    failures.withValue { $0.append("no 0.weight gradient") }
                }
            } catch {
                failures.withValue { $0.append("\(error)") }
            }
        }
        try #require(Self.waitForRequestsInFlight(server, count: 4), "the 4 requests never were in flight together")
        server.sendSIGTERM()
        #expect(Self.readinessTurns503(server), "/readyz never answered 503 during the drain grace")
        clients.join()
        let exitStatus = server.terminate(timeout: 60)
        #expect(failures.snapshot.isEmpty, "\(failures.snapshot)")
        #expect(
            statuses.snapshot == [200, 200, 200, 200], "statuses \(statuses.snapshot)\nlog: \(server.log.suffix(2000))")
        #expect(exitStatus == 0, "exit status \(String(describing: exitStatus))\nlog: \(server.log.suffix(2000))")
    }

    /// Polls the server's `http_requests_in_flight` gauge until it counts `count` requests besides
    /// the /metrics request asking.
    static func waitForRequestsInFlight(_ server: ServerProcess, count: Int, timeout: TimeInterval = 20) -> Bool {
        guard let client = try? Client(baseURL: server.baseURL) else { return false }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let metrics = (try? client.get("/metrics"))?.text ?? ""
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("http_requests_in_flight ") }
            if let value = line.flatMap({ Double($0.split(separator: " ").last ?? "") }), value >= Double(count + 1) {
                return true
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Whether /readyz answers 503 on a new connection soon after SIGTERM (before the listener
    /// closes at the end of the drain grace).
    static func readinessTurns503(_ server: ServerProcess) -> Bool {
        let deadline = Date().addingTimeInterval(0.9)
        while Date() < deadline {
            let configuration = ClientConfiguration(
                connectTimeout: .milliseconds(200), totalTimeout: .milliseconds(500))
            if let status = try? Client(baseURL: server.baseURL, configuration: configuration).get("/readyz").status,
                status == 503
            {
                return true
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    @Test("an idle server exits 0 promptly on SIGTERM")
    func sigterm_idleServer_exits0() throws {
        let server = try ServerProcess.start()
        defer { server.terminate(timeout: 5) }
        let client = try Client(baseURL: server.baseURL)
        #expect(try client.get("/healthz").status == 200)
        let started = Date()
        let exitStatus = server.terminate(timeout: 30)
        #expect(exitStatus == 0, "log: \(server.log.suffix(2000))")
        #expect(
            Date().timeIntervalSince(started) < 15,
            "drain of an idle server took \(Date().timeIntervalSince(started)) s")
    }
}
