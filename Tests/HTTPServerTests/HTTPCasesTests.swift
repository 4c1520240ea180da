import Testing

@testable import HTTPServer

/// The rows of docs/HTTP-CASES.md "Requests", each sent over loopback to a live server.
@Suite struct HTTPCasesTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var raw: String
        var status: Int
        /// "+close": `Connection: close` and then EOF.
        var closes: Bool
        var testDescription: String { name }
    }

    static let json = "Content-Type: application/json\r\n"

    static let rows: [Row] = [
        Row(name: "garbage request line", raw: "\u{1}garbage\r\n\r\n", status: 400, closes: true),
        Row(name: "HTTP/0.9 style", raw: "GET /\r\n\r\n", status: 400, closes: true),
        Row(name: "bad method token", raw: "get /hello HTTP/1.1\r\nHost: t\r\n\r\n", status: 400, closes: true),
        Row(name: "unknown method", raw: "FOO /echo HTTP/1.1\r\nHost: t\r\n\r\n", status: 501, closes: false),
        Row(
            name: "known method, wrong route", raw: "GET /echo HTTP/1.1\r\nHost: t\r\n\r\n", status: 405, closes: false),
        Row(name: "unknown path", raw: "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n", status: 404, closes: false),
        Row(name: "HTTP/2.0", raw: "GET /hello HTTP/2.0\r\nHost: t\r\n\r\n", status: 505, closes: true),
        Row(name: "HTTP/1.2 as 1.1", raw: "GET /hello HTTP/1.2\r\nHost: t\r\n\r\n", status: 200, closes: false),
        Row(name: "no Host", raw: "GET /hello HTTP/1.1\r\n\r\n", status: 400, closes: true),
        Row(name: "two Hosts", raw: "GET /hello HTTP/1.1\r\nHost: t\r\nHost: u\r\n\r\n", status: 400, closes: true),
        Row(name: "space before colon", raw: "GET /hello HTTP/1.1\r\nHost : t\r\n\r\n", status: 400, closes: true),
        Row(name: "obs-fold", raw: "GET /hello HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n", status: 400, closes: true),
        Row(
            name: "NUL in a value", raw: "GET /hello HTTP/1.1\r\nHost: t\r\nX: a\u{0}\r\n\r\n", status: 400,
            closes: true),
        Row(name: "bare LF", raw: "GET /hello HTTP/1.1\nHost: t\n\n", status: 200, closes: false),
        Row(
            name: "empty lines first", raw: "\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n", status: 200, closes: false
        ),
        Row(name: "HTTP/1.0 without keep-alive", raw: "GET /hello HTTP/1.0\r\n\r\n", status: 200, closes: true),
        Row(
            name: "CL and TE",
            raw:
                "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            status: 400, closes: true),
        Row(
            name: "TE not chunked", raw: "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Transfer-Encoding: gzip\r\n\r\n",
            status: 501, closes: true),
        Row(
            name: "TE on HTTP/1.0", raw: "POST /echo HTTP/1.0\r\n\(json)Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            status: 400, closes: true),
        Row(
            name: "CL repeated",
            raw: "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
            status: 400, closes: true),
        Row(
            name: "CL differing",
            raw: "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            status: 400, closes: true),
        Row(
            name: "CL negative", raw: "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Content-Length: -2\r\n\r\n{}",
            status: 400, closes: true),
        Row(
            name: "CL signed", raw: "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Content-Length: +2\r\n\r\n{}",
            status: 400, closes: true),
        Row(
            name: "CL hex", raw: "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Content-Length: 0x2\r\n\r\n{}", status: 400,
            closes: true),
        Row(
            name: "CL over 2^63",
            raw: "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Content-Length: 18446744073709551617\r\n\r\n{}", status: 400,
            closes: true),
        Row(
            name: "CL over the body limit",
            raw: "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Content-Length: 1048577\r\n\r\n", status: 413, closes: true),
        Row(
            name: "chunk size invalid",
            raw: "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Transfer-Encoding: chunked\r\n\r\nxyz\r\n", status: 400,
            closes: true),
        Row(
            name: "chunk data too long",
            raw: "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Transfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n",
            status: 400, closes: true),
        Row(
            name: "bare LF after chunk data",
            raw: "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Transfer-Encoding: chunked\r\n\r\n2\r\n{}\n0\r\n\r\n",
            status: 400, closes: true),
        Row(
            name: "chunk extension and trailer",
            raw:
                "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Transfer-Encoding: chunked\r\n\r\n2;a=b\r\n{}\r\n0\r\nX-T: 1\r\n\r\n",
            status: 200, closes: false),
        Row(
            name: "chunk extension over 4 KiB",
            raw:
                "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Transfer-Encoding: chunked\r\n\r\n2;\(String(repeating: "e", count: 4_100))\r\n{}\r\n0\r\n\r\n",
            status: 400, closes: true),
        Row(
            name: "chunked body past the limit",
            raw: "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Transfer-Encoding: chunked\r\n\r\n100001\r\n", status: 413,
            closes: true),
        Row(
            name: "Expect other",
            raw: "POST /echo HTTP/1.1\r\nHost: t\r\n\(json)Expect: magic\r\nContent-Length: 2\r\n\r\n{}", status: 417,
            closes: true),
        Row(
            name: "request line over 8 KiB",
            raw: "GET /\(String(repeating: "a", count: 8_200)) HTTP/1.1\r\nHost: t\r\n\r\n", status: 414, closes: true),
        Row(
            name: "field over 8 KiB",
            raw: "GET /hello HTTP/1.1\r\nHost: t\r\nX: \(String(repeating: "a", count: 8_200))\r\n\r\n", status: 431,
            closes: true),
        Row(
            name: "headers over 16 KiB",
            raw: "GET /hello HTTP/1.1\r\nHost: t\r\n"
                + (0..<3).map { "X\($0): \(String(repeating: "a", count: 6_000))\r\n" }.joined() + "\r\n", status: 431,
            closes: true),
        Row(
            name: "over 100 fields",
            raw: "GET /hello HTTP/1.1\r\nHost: t\r\n" + (0..<100).map { "X\($0): a\r\n" }.joined() + "\r\n",
            status: 431, closes: true),
        Row(
            name: "Connection: close", raw: "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", status: 200,
            closes: true),
        Row(
            name: "POST without Content-Type", raw: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}",
            status: 415, closes: false),
        Row(
            name: "POST without Content-Type, chunked",
            raw: "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            status: 415, closes: true),
        Row(
            name: "POST to an unknown path with a small body",
            raw: "POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}", status: 404, closes: false),
        Row(
            name: "POST to an unknown path with a body under 1 MiB (read and dropped)",
            raw: "POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 70000\r\n\r\n{}"
                + String(repeating: " ", count: 69_998), status: 404, closes: false),
        Row(
            name: "POST to an unknown path with a held-back body",
            raw: "POST /nope HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 70000\r\n\r\n", status: 404,
            closes: true),
        Row(
            name: "POST with text/plain",
            raw: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n", status: 415,
            closes: false),
        Row(
            name: "POST with charset",
            raw:
                "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 2\r\n\r\n{}",
            status: 200, closes: false),
    ]

    @Test(arguments: rows)
    func row_isAnsweredAsSpecified(_ row: Row) throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send(row.raw)
        let response = try #require(client.readResponse())
        #expect(response.status == row.status, "\(response.text)")
        expectCommonFields(response)
        #expect(response.closes == row.closes)
        if row.closes {
            #expect(client.seesClose())
        } else {
            client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(client.readResponse()?.status == 200)
        }
        if response.status >= 400 {
            #expect(response.text.hasPrefix(#"{"error":{"code":""#))
        }
    }

    @Test func wrongMethod_listsAllow() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("DELETE /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(client.readResponse()?.field("Allow") == "POST, OPTIONS")
    }

    @Test func head_getsGetsFieldsWithoutBody() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        let head = try #require(client.readResponse(head: true))
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(head.field("Content-Length") == "14")
        #expect(client.readResponse()?.text == #"{"hello":true}"#)
    }

    @Test func preflight_is204WithCORSFields() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send(
            "OPTIONS /echo HTTP/1.1\r\nHost: t\r\nOrigin: https://x\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\r\n"
        )
        let response = try #require(client.readResponse())
        #expect(response.status == 204)
        expectCommonFields(response)
        #expect(response.field("Access-Control-Allow-Methods") == "POST, OPTIONS")
        #expect(response.field("Access-Control-Allow-Headers") == "content-type")
        #expect(response.field("Access-Control-Max-Age") == "7200")
    }

    @Test func http10KeepAlive_keepsTheConnection() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let first = try #require(client.readResponse())
        #expect(first.field("Connection") == "keep-alive")
        client.send("GET /hello HTTP/1.0\r\n\r\n")
        #expect(client.readResponse()?.closes == true)
        #expect(client.seesClose())
    }
}
