import Testing

@testable import HTTP1

/// Every malformed row of docs/HTTP-CASES.md, each at every split: status and code.
@Suite struct MalformedRequestTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var raw: String
        var status: Int
        var code: String
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "garbage request line", raw: "\u{1}\u{2}garbage\r\n\r\n", status: 400, code: "bad_request"),
        Row(name: "HTTP/0.9 style", raw: "GET /\r\n\r\n", status: 400, code: "bad_request"),
        Row(name: "lower-case method", raw: "get / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, code: "bad_request"),
        Row(name: "method not a token", raw: "GE(T / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, code: "bad_request"),
        Row(name: "two spaces", raw: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", status: 400, code: "bad_request"),
        Row(
            name: "target without slash", raw: "GET forward HTTP/1.1\r\nHost: a\r\n\r\n", status: 400,
            code: "bad_request"),
        Row(name: "bad version", raw: "GET / HTTP/1.x\r\nHost: a\r\n\r\n", status: 400, code: "bad_request"),
        Row(name: "lower-case version", raw: "GET / http/1.1\r\nHost: a\r\n\r\n", status: 400, code: "bad_request"),
        Row(
            name: "HTTP/2.0", raw: "GET / HTTP/2.0\r\nHost: a\r\n\r\n", status: 505, code: "http_version_not_supported"),
        Row(name: "HTTP/0.9 version", raw: "GET / HTTP/0.9\r\n\r\n", status: 505, code: "http_version_not_supported"),
        Row(name: "no Host on 1.1", raw: "GET / HTTP/1.1\r\nX: y\r\n\r\n", status: 400, code: "bad_request"),
        Row(
            name: "two Host fields", raw: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", status: 400,
            code: "bad_request"),
        Row(
            name: "two Host fields on 1.0", raw: "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", status: 400,
            code: "bad_request"),
        Row(name: "space before colon", raw: "GET / HTTP/1.1\r\nHost : a\r\n\r\n", status: 400, code: "bad_request"),
        Row(name: "tab before colon", raw: "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", status: 400, code: "bad_request"),
        Row(
            name: "obs-fold", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n  c\r\n\r\n", status: 400, code: "bad_request"),
        Row(
            name: "whitespace before first field", raw: "GET / HTTP/1.1\r\n Host: a\r\n\r\n", status: 400,
            code: "bad_request"),
        Row(
            name: "NUL in a value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: a\u{0}b\r\n\r\n", status: 400,
            code: "bad_request"),
        Row(
            name: "bare CR in a value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", status: 400,
            code: "bad_request"),
        Row(name: "no colon", raw: "GET / HTTP/1.1\r\nHost: a\r\nnocolon\r\n\r\n", status: 400, code: "bad_request"),
        Row(
            name: "empty field name", raw: "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", status: 400, code: "bad_request"),
        Row(
            name: "CL and TE",
            raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            status: 400, code: "bad_request"),
        Row(
            name: "TE gzip", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", status: 501,
            code: "not_implemented"),
        Row(
            name: "TE gzip, chunked", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            status: 501, code: "not_implemented"),
        Row(
            name: "TE chunked twice",
            raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            status: 501, code: "not_implemented"),
        Row(
            name: "TE on HTTP/1.0", raw: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400,
            code: "bad_request"),
        Row(
            name: "CL repeated equal",
            raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", status: 400,
            code: "bad_request"),
        Row(
            name: "CL differing", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx",
            status: 400, code: "bad_request"),
        Row(
            name: "CL list", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 1\r\n\r\nx", status: 400,
            code: "bad_request"),
        Row(
            name: "CL negative", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", status: 400,
            code: "bad_request"),
        Row(
            name: "CL plus sign", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\nx", status: 400,
            code: "bad_request"),
        Row(
            name: "CL hex", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", status: 400,
            code: "bad_request"),
        Row(
            name: "CL empty", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", status: 400,
            code: "bad_request"),
        Row(
            name: "CL over 2^63", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775808\r\n\r\n",
            status: 400, code: "bad_request"),
        Row(
            name: "CL far over 2^64",
            raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999999\r\n\r\n", status: 400,
            code: "bad_request"),
        Row(
            name: "chunk size not hex", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            status: 400, code: "bad_request"),
        Row(
            name: "chunk size empty", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
            status: 400, code: "bad_request"),
        Row(
            name: "chunk size overflows",
            raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n", status: 400,
            code: "bad_request"),
        Row(
            name: "chunk size negative", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n",
            status: 400, code: "bad_request"),
        Row(
            name: "chunk data longer than size",
            raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", status: 400,
            code: "bad_request"),
        Row(
            name: "bare LF after chunk data",
            raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\n0\r\n\r\n", status: 400,
            code: "bad_request"),
        Row(
            name: "bare LF on a chunk-size line",
            raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\nab\r\n0\r\n\r\n", status: 400,
            code: "bad_request"),
        Row(
            name: "bad trailer",
            raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n",
            status: 400, code: "bad_request"),
        Row(
            name: "Expect other than 100-continue",
            raw: "POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx", status: 417,
            code: "expectation_failed"),
    ]

    @Test(arguments: rows)
    func malformed_failsWithItsStatusAtEverySplit(_ row: Row) {
        let result = outcomesAtEverySplit(row.raw)
        #expect(result.last == .failure(status: row.status, code: row.code), "\(result)")
        #expect(result.allSatisfy { if case .request = $0 { false } else { true } })
    }

    @Test func failure_isFinal() {
        var parser = RequestParser()
        parser.append(Array("GET / HTTP/2.0\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        guard case .failure(let error) = parser.next() else {
            Issue.record("no failure")
            return
        }
        #expect(error.closesConnection)
        #expect(parser.next().map(Outcome.init) == nil)
        #expect(parser.phase == .failed)
    }
}
