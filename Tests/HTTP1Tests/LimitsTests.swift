import Testing

@testable import HTTP1

@Suite struct LimitsTests {
    static let small = HTTPLimits(
        maxRequestLineBytes: 64, maxFieldLineBytes: 48, maxHeaderBytes: 120,
        maxFieldCount: 4, maxBodyBytes: 10, maxChunkExtensionBytes: 16)

    @Test func requestLineAtTheLimit_isAccepted() {
        let target = "/" + String(repeating: "a", count: 64 - "GET  HTTP/1.1".count - 1)
        let result = outcomesAtEverySplit("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n", limits: Self.small)
        #expect(result.last == .request(method: "GET", target: target, body: []))
    }

    @Test func requestLineOverTheLimit_is414() {
        let target = "/" + String(repeating: "a", count: 64 - "GET  HTTP/1.1".count)
        expectFailure(
            "GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n", status: 414, code: "uri_too_long", limits: Self.small)
    }

    @Test func requestLineOverTheLimit_is414BeforeItsEndArrives() {
        #expect(
            outcomes([Array(repeating: UInt8(ascii: "A"), count: 66)[...]], limits: Self.small)
                == [.failure(status: 414, code: "uri_too_long")])
    }

    @Test func defaultRequestLineLimit_is8KiB() {
        let target = "/" + String(repeating: "a", count: 8_192)
        let bytes = Array("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        #expect(outcomesAtEverySplit(bytes, stride: 509).last == .failure(status: 414, code: "uri_too_long"))
    }

    @Test func fieldLineOverTheLimit_is431() {
        expectFailure(
            "GET / HTTP/1.1\r\nHost: a\r\nX: \(String(repeating: "v", count: 46))\r\n\r\n",
            status: 431, code: "headers_too_large", limits: Self.small)
    }

    @Test func headerSectionOverTheLimit_is431() {
        let field = "X-\(String(repeating: "v", count: 20)): 1\r\n"  // 25 bytes of content each
        expectFailure(
            "GET / HTTP/1.1\r\nHost: a\r\n" + field + field.replacingOccurrences("X-", "Y-")
                + field.replacingOccurrences("X-", "Z-") + field.replacingOccurrences("X-", "W-") + "\r\n",
            status: 431, code: "headers_too_large",
            limits: HTTPLimits(maxRequestLineBytes: 64, maxFieldLineBytes: 48, maxHeaderBytes: 90, maxFieldCount: 10))
    }

    @Test func tooManyFields_is431() {
        expectFailure(
            "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n",
            status: 431, code: "headers_too_large", limits: Self.small)
    }

    @Test func defaultFieldCountLimit_is100() {
        let fields = (0..<100).map { "F\($0): v\r\n" }.joined()
        let result = outcomes([Array("GET / HTTP/1.1\r\nHost: a\r\n\(fields)\r\n".utf8)[...]])
        #expect(result.last == .failure(status: 431, code: "headers_too_large"))
        let fewer = (0..<99).map { "F\($0): v\r\n" }.joined()
        #expect(outcomes([Array("GET / HTTP/1.1\r\nHost: a\r\n\(fewer)\r\n".utf8)[...]]).count == 2)
    }

    @Test func defaultFieldLineLimit_is8KiB() {
        let ok = "GET / HTTP/1.1\r\nHost: a\r\nX: \(String(repeating: "v", count: 8_189))\r\n\r\n"
        #expect(outcomes([Array(ok.utf8)[...]]).count == 2)
        let over = "GET / HTTP/1.1\r\nHost: a\r\nX: \(String(repeating: "v", count: 8_190))\r\n\r\n"
        #expect(
            outcomesAtEverySplit(Array(over.utf8), stride: 701).last == .failure(status: 431, code: "headers_too_large")
        )
    }

    @Test func defaultHeaderLimit_is16KiB() {
        let big = "X: \(String(repeating: "v", count: 8_000))\r\n"
        let raw =
            "GET / HTTP/1.1\r\nHost: a\r\n\(big)\(big.replacingOccurrences("X:", "Y:"))\(big.replacingOccurrences("X:", "Z:"))\r\n"
        #expect(
            outcomesAtEverySplit(Array(raw.utf8), stride: 997).last == .failure(status: 431, code: "headers_too_large"))
    }

    @Test func contentLengthOverTheBodyLimit_is413FromTheHeaderAlone() {
        let head = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n"
        #expect(outcomesAtEverySplit(head, limits: Self.small) == [.failure(status: 413, code: "too_large")])
    }

    @Test func defaultBodyLimit_is64MiB() {
        let over = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \(64 * 1_048_576 + 1)\r\n\r\n"
        #expect(outcomes([Array(over.utf8)[...]]) == [.failure(status: 413, code: "too_large")])
        let at = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \(64 * 1_048_576)\r\n\r\n"
        #expect(outcomes([Array(at.utf8)[...]]).count == 1)
    }

    @Test func chunkedBodyGrowingPastTheLimit_is413() {
        let raw =
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n"
        #expect(outcomesAtEverySplit(raw, limits: Self.small).last == .failure(status: 413, code: "too_large"))
        let fits =
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"
        #expect(
            outcomesAtEverySplit(fits, limits: Self.small).last
                == .request(method: "POST", target: "/", body: Array("helloworld")))
    }

    @Test func chunkExtensionOverTheLimit_is400() {
        let ok =
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;\(String(repeating: "e", count: 15))\r\nx\r\n0\r\n\r\n"
        #expect(
            outcomesAtEverySplit(ok, limits: Self.small).last
                == .request(method: "POST", target: "/", body: [UInt8(ascii: "x")]))
        let over =
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;\(String(repeating: "e", count: 16))\r\nx\r\n0\r\n\r\n"
        expectFailure(over, status: 400, code: "bad_request", limits: Self.small)
    }

    @Test func defaultChunkExtensionLimit_is4KiB() {
        let over =
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;\(String(repeating: "e", count: 4_096))\r\nx\r\n0\r\n\r\n"
        #expect(outcomesAtEverySplit(Array(over.utf8), stride: 389).last == .failure(status: 400, code: "bad_request"))
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
