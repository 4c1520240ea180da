import Foundation
import Testing

@testable import HTTPServer

/// Compute places are taken when a body is complete; bodies still arriving hold only upload
/// bytes. Before, a place was taken from the header section, so as many slow uploaders as places
/// shed every compute request until the body deadline (scripts/load, open finding 5).
@Suite struct UploadAdmissionTests {
    static func head(_ path: String, length: Int) -> String {
        "POST \(path) HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\n\r\n"
    }

    /// A JSON body of exactly `length` bytes: `[1,1,...,1]`, padded with spaces.
    static func body(_ length: Int) -> [UInt8] {
        var body = Array(("[" + String(repeating: "1,", count: (length - 3) / 2) + "1]").utf8)
        body += [UInt8](repeating: UInt8(ascii: " "), count: length - body.count)
        return body
    }

    @Test func slowUploads_doNotHoldComputePlaces() throws {
        let server = try TestServer { $0.bodyTimeout = .seconds(30) }  // 1 worker + queue 1 = 2 places
        defer { server.stop() }
        let uploaders = try (0..<4).map { _ in try server.client() }
        for client in uploaders {
            client.send(Self.head("/echo", length: 1_000))
            client.send(Array(Self.body(1_000).prefix(500)))
        }
        Thread.sleep(forTimeInterval: 0.1)
        let quick = try server.client()
        quick.send(Self.head("/echo", length: 2) + "{}")
        #expect(quick.readResponse()?.status == 200)
        for client in uploaders {  // one at a time: each finds a free place once its body is in
            client.send(Array(Self.body(1_000).suffix(500)))
            #expect(client.readResponse()?.status == 200)
        }
        #expect(try server.metric("http_requests_shed_total") == 0)
    }

    @Test func fullUploadBudget_shedsBeforeTheBody() throws {
        let server = try TestServer {
            $0.bodyTimeout = .seconds(30)
            $0.uploadBudgetBytes = 1_048_576
        }
        defer { server.stop() }
        let large = try server.client()
        large.send(Self.head("/echo", length: 800_000))
        large.send(Array(Self.body(800_000).prefix(1_000)))
        Thread.sleep(forTimeInterval: 0.1)
        let second = try server.client()
        second.send(Self.head("/echo", length: 300_000))  // no body byte sent: the answer cannot wait for one
        let shed = try #require(second.readResponse())
        #expect(shed.status == 503 && shed.field("Retry-After") == "1")
        #expect(shed.text.contains("bodies"))
        large.send(Array(Self.body(800_000).dropFirst(1_000)))
        #expect(large.readResponse()?.status == 200)
        let third = try server.client()
        third.send(Array(Self.head("/echo", length: 300_000).utf8) + Self.body(300_000))
        #expect(third.readResponse()?.status == 200, "the budget was given back")
    }

    @Test func poolFilledDuringTheUpload_shedsAfterTheBody_andKeepsTheConnection() throws {
        let server = try TestServer { $0.bodyTimeout = .seconds(30) }  // 1 worker + queue 1
        defer { server.stop() }
        let uploader = try server.client()
        uploader.send(Self.head("/echo", length: 1_000))
        uploader.send(Array(Self.body(1_000).prefix(10)))
        let busy = try server.client()
        let queued = try server.client()
        busy.send(LoadTests.slowRequest())
        #expect(server.eventually { server.probe.started.load(ordering: .relaxed) == 1 })
        queued.send(LoadTests.slowRequest())
        #expect(server.eventually { (try? server.metric("compute_queue_depth")) == 1 })
        uploader.send(Array(Self.body(1_000).dropFirst(10)))
        let shed = try #require(uploader.readResponse())
        #expect(shed.status == 503 && !shed.closes)
        server.gate.open()
        #expect(busy.readResponse()?.status == 200 && queued.readResponse()?.status == 200)
        uploader.send(Self.head("/echo", length: 2) + "{}")
        #expect(uploader.readResponse()?.status == 200)
        #expect(try server.metric("http_requests_shed_total") == 1)
    }

    @Test func resetMidUpload_givesItsBytesBack() throws {
        let server = try TestServer {
            $0.bodyTimeout = .seconds(30)
            $0.uploadBudgetBytes = 1_048_576
        }
        defer { server.stop() }
        for _ in 0..<20 {
            let client = try server.client()
            client.send(Self.head("/echo", length: 900_000))
            client.send(Array(Self.body(900_000).prefix(1_000)))
            client.reset()
        }
        #expect(server.eventually(2) { server.server.core.uploads.inUseBytes == 0 })
        let next = try server.client()
        next.send(Array(Self.head("/echo", length: 900_000).utf8) + Self.body(900_000))
        #expect(next.readResponse()?.status == 200)
    }
}

@Suite struct UploadBudgetTests {
    @Test func claims_fitTheLimit_andAreGivenBackOnce() {
        let budget = UploadBudget(limitBytes: 100)
        let first = budget.tryTake(60)
        #expect(first != nil)
        #expect(budget.tryTake(41) == nil)
        let second = budget.tryTake(40)
        #expect(second != nil && budget.inUseBytes == 100)
        first?.release()
        first?.release()
        #expect(budget.inUseBytes == 40)
        #expect(budget.tryTake(0) != nil)
    }
}
