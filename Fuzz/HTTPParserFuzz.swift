import HTTP1

/// libFuzzer entry for the HTTP/1.1 request parser. The first two bytes choose a split point; the
/// rest is the request stream. The events must be the same whether the stream arrives whole, in
/// two pieces at that point, or in pieces of three bytes (RFC 9112 parsing must not depend on
/// how TCP cut the bytes), and every failure must carry a 4xx/5xx status the server can send.
/// Small limits let the fuzzer reach every limit branch (414, 431, 413, long chunk extensions).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let all = Array(UnsafeBufferPointer(start: data, count: size))
    let stream = Array(all[2...])
    let cut = (Int(all[0]) << 8 | Int(all[1])) % (stream.count + 1)
    let whole = events([stream[...]])
    let halves = events([stream[..<cut], stream[cut...]])
    let threes = events(Swift.stride(from: 0, to: stream.count, by: 3).map { stream[$0..<min($0 + 3, stream.count)] })
    guard whole == halves, whole == threes else {
        fatalError("split changed the events: \(whole) vs \(halves) vs \(threes)")
    }
    return 0
}

let fuzzLimits = HTTPLimits(
    maxRequestLineBytes: 96, maxFieldLineBytes: 64, maxHeaderBytes: 256, maxFieldCount: 8,
    maxBodyBytes: 512, maxChunkExtensionBytes: 16)

/// The parser's events as text, up to and including the first failure.
private func events(_ chunks: [ArraySlice<UInt8>]) -> [String] {
    var parser = RequestParser(limits: fuzzLimits)
    var result: [String] = []
    for chunk in chunks {
        parser.append(chunk)
        while let event = parser.next() {
            switch event {
            case .head(let h):
                result.append(
                    "head \(h.method) \(h.target) \(h.version) \(h.framing) \(h.keepAlive) \(h.expectsContinue) \(h.headers.fields.count)"
                )
            case .request(let r):
                result.append("request \(r.method) \(r.target) \(r.body)")
            case .failure(let e):
                precondition((400..<600).contains(e.status.code), "failure status \(e.status)")
                result.append("failure \(e.status) \(e.code) \(e.closesConnection)")
                return result
            }
        }
    }
    return result
}
