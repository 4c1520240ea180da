import TestSupport
import Testing

@testable import HTTP1

/// Property: a stream of random valid requests (RFC 9112: either line ending, Content-Length or
/// chunked bodies with extensions and trailers, HTTP/1.0 and 1.1, pipelined) parses to exactly
/// the requests that were written, however the stream is cut into pieces (TCP may cut anywhere).
@Suite struct RequestSplitPropertyTests {
    @Test func randomRequestStreams_parseTheSameAtRandomSplits() {
        var rng = SplitMix64(seed: 0x5eed_4774)
        for _ in 0..<300 {
            let requests = (0..<Int.random(in: 1...4, using: &rng)).map { _ in GeneratedRequest.random(using: &rng) }
            let stream = requests.flatMap { $0.wire }
            let expected = requests.map(\.summary)
            #expect(parsed([stream[...]]) == expected, "whole: \(String(decoding: stream, as: UTF8.self))")
            for _ in 0..<4 {
                let pieces = randomPieces(of: stream, using: &rng)
                #expect(
                    parsed(pieces) == expected,
                    "cut at \(pieces.map(\.startIndex)): \(String(decoding: stream, as: UTF8.self))")
            }
        }
    }

    @Test func everyTwoPieceSplit_ofAPipelinedStream_parsesTheSame() {
        var rng = SplitMix64(seed: 42)
        let requests = (0..<3).map { _ in GeneratedRequest.random(using: &rng) }
        let stream = requests.flatMap { $0.wire }
        for offset in 0...stream.count {
            #expect(parsed([stream[..<offset], stream[offset...]]) == requests.map(\.summary), "split at \(offset)")
        }
    }

    /// Cuts `bytes` at 1 to 8 random offsets.
    private func randomPieces(of bytes: [UInt8], using rng: inout SplitMix64) -> [ArraySlice<UInt8>] {
        let cuts = (0..<Int.random(in: 1...8, using: &rng)).map { _ in Int.random(in: 0...bytes.count, using: &rng) }
        let bounds = [0] + cuts.sorted() + [bytes.count]
        return zip(bounds, bounds.dropFirst()).map { bytes[$0..<$1] }
    }

    /// What the parser made of the pieces: one summary per complete request, or the failure.
    private func parsed(_ pieces: [ArraySlice<UInt8>]) -> [String] {
        var parser = RequestParser()
        var heads: [RequestHead] = []
        var result: [String] = []
        for piece in pieces {
            parser.append(piece)
            while let event = parser.next() {
                switch event {
                case .head(let head): heads.append(head)
                case .request(let request):
                    result.append(GeneratedRequest.summary(request, head: heads.last!))
                case .failure(let error): return result + ["failure \(error.status) \(error.message)"]
                }
            }
        }
        return result
    }
}

/// One random valid request, with its bytes on the wire and what the parser must report.
struct GeneratedRequest {
    var wire: [UInt8]
    var summary: String

    static func random(using rng: inout SplitMix64) -> GeneratedRequest {
        let http11 = Int.random(in: 0..<4, using: &rng) != 0
        let method = ["GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH"].randomElement(using: &rng)!
        let target =
            "/" + token(using: &rng, alphabet: pathCharacters)
            + (Bool.random(using: &rng) ? "?q=" + token(using: &rng, alphabet: pathCharacters) : "")
        let eol = Bool.random(using: &rng) ? "\r\n" : "\n"
        var fields: [(String, String)] = http11 || Bool.random(using: &rng) ? [("Host", "h" + token(using: &rng))] : []
        for i in 0..<Int.random(in: 0...5, using: &rng) {
            fields.append(("X-F\(i)-" + token(using: &rng), token(using: &rng)))
        }
        let keepAlive = http11 ? Bool.random(using: &rng) : false
        if !keepAlive && Bool.random(using: &rng) { fields.append(("Connection", "close")) }
        if keepAlive && !http11 { fields.append(("Connection", "keep-alive")) }
        let body = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let chunked = http11 && Bool.random(using: &rng)
        if chunked {
            fields.append(("Transfer-Encoding", "chunked"))
        } else if !body.isEmpty || Bool.random(using: &rng) {
            fields.append(("Content-Length", String(body.count)))
        }
        fields.shuffle(using: &rng)
        var head = "\(method) \(target) HTTP/1.\(http11 ? 1 : 0)\(eol)"
        for (name, value) in fields {
            let before: String = [" ", "", "\t", "  "].randomElement(using: &rng)!
            let after: String = [" ", "", "\t"].randomElement(using: &rng)!
            head += "\(name):\(before)\(value)\(after)\(eol)"
        }
        head += eol
        let wire = Array(head.utf8) + (chunked ? chunkedBody(body, eol: eol, using: &rng) : body)
        let extra = fields.filter { $0.0.hasPrefix("X-") }.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        return GeneratedRequest(wire: wire, summary: "\(method) \(target) 1.\(http11 ? 1 : 0) \(extra) \(body)")
    }

    /// What the parser reported, in the same form as `summary` (generated fields only).
    static func summary(_ request: HTTPRequest, head: RequestHead) -> String {
        let extra = request.headers.fields.filter { $0.name.hasPrefix("X-") }.map { "\($0.name)=\($0.value)" }.joined(
            separator: ",")
        return "\(request.method) \(request.target) 1.\(request.version.minor) \(extra) \(request.body)"
    }

    /// The body as 0 or more chunks of random sizes (hex in either case, extensions sometimes),
    /// the last chunk, and sometimes trailer fields (RFC 9112 §7.1).
    private static func chunkedBody(_ body: [UInt8], eol: String, using rng: inout SplitMix64) -> [UInt8] {
        var wire: [UInt8] = []
        var rest = body[...]
        while !rest.isEmpty {
            let size = Int.random(in: 1...max(1, rest.count), using: &rng)
            let hex = String(size, radix: 16, uppercase: Bool.random(using: &rng))
            let ext = Bool.random(using: &rng) ? ";e=" + token(using: &rng) : ""
            wire += Array("\(hex)\(ext)\r\n".utf8) + rest.prefix(size) + Array("\r\n".utf8)
            rest = rest.dropFirst(size)
        }
        wire += Array("0\r\n".utf8)
        if Bool.random(using: &rng) { wire += Array("Trailer-\(token(using: &rng)): v\r\n".utf8) }
        return wire + Array("\r\n".utf8)
    }

    static let tokenCharacters: [Character] = Array(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~")
    /// RFC 3986 unreserved characters, plus the sub-delims a path may hold.
    static let pathCharacters: [Character] = Array(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@")

    /// 1 to 8 random characters of `alphabet` (RFC 9110 `tchar` by default).
    static func token(using rng: inout SplitMix64, alphabet: [Character] = tokenCharacters) -> String {
        return String((0..<Int.random(in: 1...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
    }
}
