import Foundation
import GradClient
import Testing

/// SIGTERM drains (API.md, HTTP-CASES.md): in-flight requests finish and are answered, then the
/// process exits 0. Each test owns its server, since it stops it.
@Suite("Draining on SIGTERM")
struct ShutdownTests {
    @Test("requests in flight at SIGTERM are all answered, then the server exits 0")
    func sigterm_answersInFlightRequests_andExits0() throws {
        let server = try ServerProcess.start()
        let body = Array(Problems.slowBackward().utf8)
        let statuses = Locked<[Int]>([])
        let failures = Locked<[String]>([])
        let clients = ThreadGroup(count: 4) { _ in
            do {
                let response = try GradClient(baseURL: server.baseURL).post("/backward", json: body)
                statuses.withValue { $0.append(response.status) }
                let gradients = (try? JSONTree.object(response.body))?["gradients"] as? [String: Any]
                if response.status == 200, gradients?["0.weight"] == nil { failures.withValue { $0.append("no 0.weight gradient") } }
            } catch {
                failures.withValue { $0.append("\(error)") }
            }
        }
        Thread.sleep(forTimeInterval: 0.2)
        server.sendSIGTERM()
        clients.join()
        let exitStatus = server.terminate(timeout: 60)
        #expect(failures.snapshot.isEmpty, "\(failures.snapshot)")
        #expect(statuses.snapshot == [200, 200, 200, 200], "statuses \(statuses.snapshot)\nlog: \(server.log.suffix(2000))")
        #expect(exitStatus == 0, "exit status \(String(describing: exitStatus))\nlog: \(server.log.suffix(2000))")
    }

    @Test("an idle server exits 0 promptly on SIGTERM")
    func sigterm_idleServer_exits0() throws {
        let server = try ServerProcess.start()
        let client = try GradClient(baseURL: server.baseURL)
        #expect(try client.get("/healthz").status == 200)
        let started = Date()
        let exitStatus = server.terminate(timeout: 30)
        #expect(exitStatus == 0, "log: \(server.log.suffix(2000))")
        #expect(Date().timeIntervalSince(started) < 15, "drain of an idle server took \(Date().timeIntervalSince(started)) s")
    }
}
