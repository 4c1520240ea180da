extension RequestHead {
    /// Builds the head from its parts and applies the rules that need the whole header section:
    /// Host (RFC 9112 §3.2), body framing (§6.1-6.3, with the smuggling cases), Expect (RFC 9110 §10.1.1)
    /// and persistence (§9.3).
    static func validated(line: RequestLine, headers: HTTPHeaders, limits: HTTPLimits) throws(HTTPError) -> RequestHead
    {
        let http11 = line.version.minor >= 1
        try checkHost(headers, http11: http11)
        let framing = try bodyFraming(headers, http11: http11, limits: limits)
        let expectsContinue = try expectation(headers, http11: http11)
        return RequestHead(
            method: line.method, target: line.target, version: line.version, headers: headers,
            framing: framing, keepAlive: persistence(headers, http11: http11), expectsContinue: expectsContinue)
    }

    /// HTTP/1.1 requires exactly one Host; no version allows two.
    static func checkHost(_ headers: HTTPHeaders, http11: Bool) throws(HTTPError) {
        let hosts = headers.values("Host")
        if hosts.count > 1 { throw .badRequest("the request has \(hosts.count) Host fields; one is allowed") }
        if http11 && hosts.isEmpty { throw .badRequest("an HTTP/1.1 request must have a Host field") }
    }

    /// Content-Length and Transfer-Encoding together are refused (request smuggling, §6.1); only
    /// exactly `chunked` is implemented (501 otherwise, 400 on HTTP/1.0, which has no chunked).
    static func bodyFraming(_ headers: HTTPHeaders, http11: Bool, limits: HTTPLimits) throws(HTTPError) -> BodyFraming {
        let encodings = headers.values("Transfer-Encoding")
        let lengths = headers.values("Content-Length")
        if !encodings.isEmpty && !lengths.isEmpty {
            throw .badRequest("Content-Length and Transfer-Encoding together are not allowed")
        }
        if !encodings.isEmpty {
            guard http11 else { throw .badRequest("Transfer-Encoding is not allowed on HTTP/1.0") }
            let codings = encodings.joined(separator: ",").split(separator: ",")
                .map { $0.trimmingWhitespace().lowercased() }
            guard codings == ["chunked"] else {
                throw .notImplemented(
                    "only 'Transfer-Encoding: chunked' is implemented; found '\(encodings.joined(separator: ", "))'",
                    closes: true)
            }
            return .chunked
        }
        guard let first = lengths.first else { return .none }
        guard lengths.count == 1 else {
            throw .badRequest("Content-Length appears \(lengths.count) times; once is allowed")
        }
        let length = try contentLength(first)
        guard length <= limits.maxBodyBytes else {
            throw .tooLarge("the body is \(length) bytes; the limit is \(limits.maxBodyBytes)")
        }
        return .length(length)
    }

    /// `Content-Length = 1*DIGIT` (RFC 9110 §8.6): no sign, no hex, no list, and no overflow.
    static func contentLength(_ text: String) throws(HTTPError) -> Int {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw .badRequest("Content-Length must be decimal digits; found '\(text.prefix(32))'")
        }
        var value = 0
        for digit in digits {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
            guard !overflow1 && !overflow2 else { throw .badRequest("Content-Length is over 2^63") }
            value = sum
        }
        return value
    }

    /// `100-continue` is the only expectation (417 for others); HTTP/1.0 requests' Expect is ignored.
    static func expectation(_ headers: HTTPHeaders, http11: Bool) throws(HTTPError) -> Bool {
        let expects = headers.values("Expect")
        guard http11, !expects.isEmpty else { return false }
        guard expects.count == 1, expects[0].trimmingWhitespace().lowercased() == "100-continue" else {
            throw .expectationFailed(
                "the only supported expectation is 100-continue; found '\(expects.joined(separator: ", ").prefix(64))'")
        }
        return true
    }

    /// HTTP/1.1 persists unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    static func persistence(_ headers: HTTPHeaders, http11: Bool) -> Bool {
        let options = headers.values("Connection").joined(separator: ",").split(separator: ",")
            .map { $0.trimmingWhitespace().lowercased() }
        if options.contains("close") { return false }
        return http11 || options.contains("keep-alive")
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars.drop { $0 == " " || $0 == "\t" }
        var end = scalars.endIndex
        while end > scalars.startIndex,
            scalars[scalars.index(before: end)] == " " || scalars[scalars.index(before: end)] == "\t"
        {
            end = scalars.index(before: end)
        }
        return String(String.UnicodeScalarView(scalars[scalars.startIndex..<end]))
    }
}
