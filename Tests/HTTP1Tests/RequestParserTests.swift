import Testing

@testable import HTTP1

@Suite struct RequestParserTests {
    @Test func getWithoutBody_yieldsHeadThenRequest() {
        let result = outcomesAtEverySplit("GET /healthz?x=1 HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\n")
        #expect(
            result == [
                .head(
                    method: "GET", target: "/healthz?x=1", minor: 1, framing: .none, keepAlive: true,
                    expectsContinue: false),
                .request(method: "GET", target: "/healthz?x=1", body: []),
            ])
    }

    @Test func postWithContentLength_readsExactlyTheBody() {
        let result = outcomesAtEverySplit(
            "POST /forward HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}")
        #expect(result.last == .request(method: "POST", target: "/forward", body: Array("{\"a\":1}")))
        #expect(
            result.first
                == .head(
                    method: "POST", target: "/forward", minor: 1, framing: .length(7), keepAlive: true,
                    expectsContinue: false))
    }

    /// Body bytes that arrive after the head is parsed skip the input buffer; the bytes past the body
    /// (a pipelined request) are buffered and parsed as before.
    @Test func contentLengthBody_arrivingAfterItsHead_isNotBufferedAndThePipelinedRestIs() {
        var parser = RequestParser()
        parser.append(Array("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n".utf8))
        guard case .head = parser.next() else {
            Issue.record("no head")
            return
        }
        #expect(parser.next() == nil)
        parser.append(Array("0123".utf8))
        #expect(parser.bufferedByteCount == 0)
        #expect(parser.next() == nil)
        parser.append(Array("456789GET /h HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        #expect(parser.bufferedByteCount == "GET /h HTTP/1.1\r\nHost: a\r\n\r\n".utf8.count)
        guard case .request(let request) = parser.next() else {
            Issue.record("no request")
            return
        }
        #expect(request.body == Array("0123456789".utf8))
        #expect(
            parser.completedRequestByteCount == "POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n".utf8.count
                + 10)
        guard case .head(let next) = parser.next() else {
            Issue.record("no second head")
            return
        }
        #expect(next.target == "/h")
    }

    @Test func discardedContentLengthBody_arrivingAfterItsHead_isCountedAndDropped() {
        var parser = RequestParser()
        parser.append(Array("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\n".utf8))
        guard case .head = parser.next() else {
            Issue.record("no head")
            return
        }
        parser.discardBody()
        parser.append(Array("abc".utf8))
        #expect(parser.next() == nil)
        parser.append(Array("def".utf8))
        guard case .request(let request) = parser.next() else {
            Issue.record("no request")
            return
        }
        #expect(request.body.isEmpty)
        #expect(parser.phase == .idle)
    }

    @Test func contentLengthZero_isARequestWithoutBody() {
        let result = outcomesAtEverySplit("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
        #expect(result.last == .request(method: "POST", target: "/f", body: []))
    }

    @Test func chunkedBody_withExtensionsAndTrailers_isReassembled() {
        let raw =
            "POST /f HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;name=value\r\nWiki\r\n5 ; x=\"q\"\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0;last\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\n"
        let result = outcomesAtEverySplit(raw)
        #expect(result.count == 2)
        #expect(result.last == .request(method: "POST", target: "/f", body: Array("Wikipedia in\r\n\r\nchunks.")))
    }

    @Test func chunkedTransferEncoding_isCaseInsensitive() {
        let result = outcomesAtEverySplit(
            "POST /f HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n")
        #expect(result.last == .request(method: "POST", target: "/f", body: [UInt8(ascii: "x")]))
    }

    @Test func pipelinedRequests_comeOutInOrder() {
        let raw =
            "GET /a HTTP/1.1\r\nHost: a\r\n\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /c HTTP/1.1\r\nHost: a\r\n\r\n"
        let requests = outcomesAtEverySplit(raw).compactMap { outcome -> String? in
            if case .request(let m, let t, let b) = outcome { return "\(m) \(t) \(String(decoding: b, as: UTF8.self))" }
            return nil
        }
        #expect(requests == ["GET /a ", "POST /b hi", "GET /c "])
    }

    @Test func bareLineFeeds_areAccepted() {
        let result = outcomesAtEverySplit("GET / HTTP/1.1\nHost: a\n\n")
        #expect(result.last == .request(method: "GET", target: "/", body: []))
    }

    @Test func emptyLinesBeforeTheRequestLine_areSkipped() {
        let result = outcomesAtEverySplit("\r\n\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(result.last == .request(method: "GET", target: "/", body: []))
    }

    @Test func http10_closesUnlessKeepAlive() {
        let plain = outcomesAtEverySplit("GET / HTTP/1.0\r\n\r\n")
        #expect(
            plain.first
                == .head(method: "GET", target: "/", minor: 0, framing: .none, keepAlive: false, expectsContinue: false)
        )
        let kept = outcomesAtEverySplit("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
        #expect(
            kept.first
                == .head(method: "GET", target: "/", minor: 0, framing: .none, keepAlive: true, expectsContinue: false))
    }

    @Test func connectionClose_endsPersistence() {
        let result = outcomesAtEverySplit("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n")
        #expect(
            result.first
                == .head(method: "GET", target: "/", minor: 1, framing: .none, keepAlive: false, expectsContinue: false)
        )
    }

    @Test func http12_isTreatedAs11() {
        let result = outcomesAtEverySplit("GET / HTTP/1.2\r\nHost: a\r\n\r\n")
        #expect(
            result.first
                == .head(method: "GET", target: "/", minor: 1, framing: .none, keepAlive: true, expectsContinue: false))
    }

    @Test func expect100Continue_isFlaggedOn11AndIgnoredOn10() {
        let on11 = outcomesAtEverySplit(
            "POST /f HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\nx")
        #expect(
            on11.first
                == .head(
                    method: "POST", target: "/f", minor: 1, framing: .length(1), keepAlive: true, expectsContinue: true)
        )
        let on10 = outcomesAtEverySplit("POST /f HTTP/1.0\r\nExpect: something-else\r\nContent-Length: 1\r\n\r\nx")
        #expect(
            on10.first
                == .head(
                    method: "POST", target: "/f", minor: 0, framing: .length(1), keepAlive: false,
                    expectsContinue: false))
    }

    @Test func absoluteFormTarget_isReducedToItsPath() {
        let result = outcomesAtEverySplit("GET http://example.com:8080/forward?q HTTP/1.1\r\nHost: example.com\r\n\r\n")
        #expect(result.last == .request(method: "GET", target: "/forward?q", body: []))
    }

    @Test func headerValues_areTrimmedAndNamesCaseInsensitive() {
        var parser = RequestParser()
        parser.append(Array("GET / HTTP/1.1\r\nhOsT:   a b \t\r\nX-Obs: caf\u{e9}\r\n\r\n"))
        guard case .head(let head) = parser.next() else {
            Issue.record("no head")
            return
        }
        #expect(head.headers["host"] == "a b")
        #expect(head.headers["x-obs"] == "caf\u{e9}")
    }

    @Test func phase_tracksIdleHeadAndBody() {
        var parser = RequestParser()
        #expect(parser.phase == .idle)
        parser.append(Array("POST /f HTTP/1.1\r\nHost: a\r\n"))
        #expect(parser.next().map(Outcome.init) == nil)
        #expect(parser.phase == .head)
        parser.append(Array("Content-Length: 3\r\n\r\nab"))
        guard case .head = parser.next() else {
            Issue.record("no head")
            return
        }
        #expect(parser.next().map(Outcome.init) == nil)
        #expect(parser.phase == .body)
        parser.append(Array("c"))
        guard case .request = parser.next() else {
            Issue.record("no request")
            return
        }
        #expect(parser.phase == .idle)
    }

    @Test func discardedBody_isReadButNotKept_andTheNextRequestFollows() {
        var parser = RequestParser()
        parser.append(
            Array("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /g HTTP/1.1\r\nHost: a\r\n\r\n"))
        guard case .head = parser.next() else {
            Issue.record("no head")
            return
        }
        parser.discardBody()
        #expect(parser.next().map(Outcome.init) == .request(method: "POST", target: "/f", body: []))
        #expect(
            parser.next().map(Outcome.init)
                == .head(method: "GET", target: "/g", minor: 1, framing: .none, keepAlive: true, expectsContinue: false)
        )
    }

    @Test func discardedChunkedBody_stillCountsTowardTheLimit() {
        var parser = RequestParser(limits: HTTPLimits(maxBodyBytes: 4))
        parser.append(
            Array("POST /f HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\nabc\r\n0\r\n\r\n"))
        guard case .head = parser.next() else {
            Issue.record("no head")
            return
        }
        parser.discardBody()
        #expect(parser.next().map(Outcome.init) == .failure(status: 413, code: "too_large"))
    }

    @Test func largeContentLengthBody_arrivesIntact() {
        let body = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var parser = RequestParser()
        parser.append(Array("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: \(body.count)\r\n\r\n"))
        for start in stride(from: 0, to: body.count, by: 65_536) {
            parser.append(body[start..<min(body.count, start + 65_536)])
        }
        guard case .head = parser.next(), case .request(let request) = parser.next() else {
            Issue.record("no request")
            return
        }
        #expect(request.body == body)
    }
}
