import Testing

@testable import HTTP1

/// Found by the http-parser fuzzer (scripts/fuzz): a chunk-size line padded with whitespace (or
/// leading zeros) past the chunk-size line limit was refused (400) when it arrived in pieces, but
/// accepted when it arrived whole, because only the partial line was measured. The outcome of a
/// request must never depend on how TCP cut it.
@Suite struct ChunkedRegressionTests {
    static let limits = HTTPLimits(maxChunkExtensionBytes: 16)

    @Test func overlongChunkSizeLine_ofWhitespace_is400AtEverySplit() {
        let raw =
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0;eeeeeeeC"
            + String(repeating: " ", count: 120) + "\r\n\r\n"
        expectFailure(raw, status: 400, code: "bad_request", limits: Self.limits)
    }

    @Test func overlongChunkSizeLine_ofLeadingZeros_is400AtEverySplit() {
        let raw =
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(repeating: "0", count: 100) + "1\r\nx\r\n0\r\n\r\n"
        expectFailure(raw, status: 400, code: "bad_request", limits: Self.limits)
    }

    @Test func chunkSizeLine_atTheLimit_isAccepted() {
        // 32 + 16 bytes: 16 hex digits, 16 of whitespace, a 16-byte extension.
        let line =
            String(repeating: "0", count: 15) + "1" + String(repeating: " ", count: 16) + ";"
            + String(repeating: "e", count: 15)
        let result = outcomesAtEverySplit(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\(line)\r\nx\r\n0\r\n\r\n",
            limits: Self.limits)
        #expect(result.last == .request(method: "POST", target: "/", body: Array("x")))
    }
}
