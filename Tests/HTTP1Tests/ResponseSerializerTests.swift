import Testing

@testable import HTTP1

@Suite struct ResponseSerializerTests {
    static let date = "Sun, 06 Nov 1994 08:49:37 GMT"

    private func text(_ response: HTTPResponse, _ framing: ResponseFraming, origin: String = "*") -> String {
        String(decoding: ResponseSerializer(corsOrigin: origin).serialize(response, framing: framing), as: UTF8.self)
    }

    @Test func jsonResponse_carriesEveryRequiredField() {
        let out = text(.json(200, Array(#"{"a":1}"#.utf8)), ResponseFraming(date: Self.date))
        #expect(
            out == "HTTP/1.1 200 OK\r\nDate: \(Self.date)\r\nContent-Type: application/json\r\n"
                + "Access-Control-Allow-Origin: *\r\nAccess-Control-Expose-Headers: Retry-After\r\n"
                + "Content-Length: 7\r\nConnection: keep-alive\r\n\r\n{\"a\":1}")
    }

    @Test func closingResponse_saysConnectionClose() {
        let out = text(.json(400, []), ResponseFraming(keepAlive: false, date: Self.date))
        #expect(out.contains("\r\nConnection: close\r\n"))
        #expect(out.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
    }

    @Test func headResponse_hasGetsFieldsAndNoBody() {
        let out = text(.json(200, Array("hello".utf8)), ResponseFraming(isHead: true, date: Self.date))
        #expect(out.contains("Content-Length: 5\r\n"))
        #expect(out.hasSuffix("\r\n\r\n"))
    }

    @Test func noContent_hasNoContentLengthNorBody() {
        let out = text(HTTPResponse(status: 204, body: Array("x".utf8)), ResponseFraming(date: Self.date))
        #expect(!out.contains("Content-Length"))
        #expect(out.hasSuffix("\r\n\r\n"))
    }

    @Test func handlerFramingFields_areReplaced() {
        let response = HTTPResponse(
            status: 200, headers: HTTPHeaders([("Content-Length", "999"), ("Connection", "upgrade"), ("X-A", "1")]),
            body: [1, 2])
        let out = text(response, ResponseFraming(date: Self.date))
        #expect(out.contains("Content-Length: 2\r\n") && !out.contains("999") && !out.contains("upgrade"))
        #expect(out.contains("X-A: 1\r\n"))
    }

    @Test func configuredOrigin_isSentWithVary() {
        let out = text(.json(503, []), ResponseFraming(date: Self.date), origin: "https://course.example")
        #expect(out.contains("Access-Control-Allow-Origin: https://course.example\r\nVary: Origin\r\n"))
    }

    @Test func errorResponse_isJSONWithCodeAndMessage() {
        let error = HTTPError.overloaded("queue \"full\"\n", retryAfterSeconds: 2)
        let response = error.response
        #expect(response.status == 503)
        #expect(response.headers["Retry-After"] == "2")
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"error":{"code":"overloaded","message":"queue \"full\"\n"}}"#)
    }

    @Test func controlCharactersInMessages_areEscaped() {
        #expect(JSONString.escape("a\u{1}b\\") == "a\\u0001b\\\\")
    }

    @Test(arguments: [
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        (1_795_737_599, "Thu, 26 Nov 2026 23:59:59 GMT"),
        (4_102_444_800, "Fri, 01 Jan 2100 00:00:00 GMT"),
    ])
    func imfFixdate_matchesKnownDates(_ seconds: Int, _ expected: String) {
        #expect(IMFDate.format(secondsSince1970: seconds) == expected)
    }
}
