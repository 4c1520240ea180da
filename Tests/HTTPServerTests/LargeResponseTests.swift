import Dispatch
import Foundation
import HTTP1
import Testing

@testable import HTTPServer

/// Large answers are written from the handler's own buffer behind their head (one `sendmsg` of
/// two parts, no copy), through partial writes, byte for byte; HEAD gets the head alone.
@Suite struct LargeResponseTests {
    /// 3 MB, far over a socket pair's buffer: the write source finishes it as the client reads.
    static let body: [UInt8] = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }

    static let routes: [Route] = [
        Route("GET", "/big", lane: .inline) { _, _ in .json(.ok, LargeResponseTests.body) },
        Route("HEAD", "/big", lane: .inline) { _, _ in .json(.ok, LargeResponseTests.body) },
    ]

    /// Reads until `count` bytes have come, or 10 s have passed.
    static func read(_ harness: ConnectionHarness, count: Int) -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let deadline = DispatchTime.now() + 10
        while received.count < count && DispatchTime.now() < deadline {
            var pending = pollfd(fd: harness.peer, events: Int16(POLLIN), revents: 0)
            _ = poll(&pending, 1, 50)
            let got = buffer.withUnsafeMutableBytes { Glibc.read(harness.peer, $0.baseAddress, $0.count) }
            if got > 0 { received += buffer[0..<got] }
        }
        return received
    }

    static func headLength(_ bytes: [UInt8]) -> Int? {
        let blank = Array("\r\n\r\n".utf8)
        guard bytes.count >= blank.count else { return nil }
        for start in 0...(bytes.count - blank.count) where Array(bytes[start..<start + blank.count]) == blank {
            return start + blank.count
        }
        return nil
    }

    @Test func largeBody_arrivesWhole_afterItsHead_andTheConnectionServesTheNextRequest() throws {
        let harness = ConnectionHarness(routes: Self.routes)
        harness.onLoop {
            harness.clientSends("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
            harness.connection.readAvailable()
        }
        let first = Self.read(harness, count: 1_024)
        let headBytes = try #require(Self.headLength(first))
        let head = String(decoding: first[0..<headBytes], as: UTF8.self)
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(head.contains("Content-Length: \(Self.body.count)\r\n"))
        let rest = Self.read(harness, count: headBytes + Self.body.count - first.count)
        #expect(Array(first[headBytes...]) + rest == Self.body)
        #expect(harness.onLoop { harness.connection.state } == .reading)
        harness.onLoop {
            harness.clientSends("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            harness.connection.readAvailable()
        }
        #expect(ConnectionHarness.statuses(harness.clientAwaits(responses: 1)) == [200])
    }

    @Test func headRequest_getsTheLargeBodysHeadAlone() {
        let harness = ConnectionHarness(routes: Self.routes)
        let answer = harness.onLoop {
            harness.clientSends("HEAD /big HTTP/1.1\r\nHost: t\r\n\r\n")
            harness.connection.readAvailable()
            return harness.clientReceives()
        }
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n") && answer.hasSuffix("\r\n\r\n"))
        #expect(answer.contains("Content-Length: \(Self.body.count)\r\n"))
        #expect(harness.onLoop { harness.connection.state } == .reading)
    }

    @Test func serializer_headAndBody_areTheWholeSerializedResponse() {
        let serializer = ResponseSerializer()
        let framing = ResponseFraming(date: "Fri, 04 Dec 2026 21:00:00 GMT")
        let response = HTTPResponse.json(.ok, Array("{\"a\":1}".utf8))
        let whole = serializer.serialize(response, framing: framing)
        #expect(whole == serializer.head(response, framing: framing) + response.body)
        #expect(serializer.sendsBody(response, framing: framing))
        #expect(!serializer.sendsBody(response, framing: ResponseFraming(isHead: true, date: framing.date)))
    }
}
