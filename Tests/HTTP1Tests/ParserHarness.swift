import Testing

@testable import HTTP1

/// What the parser reported, reduced to what must not depend on how the bytes were split.
enum Outcome: Equatable, CustomStringConvertible {
    case head(method: String, target: String, minor: Int, framing: BodyFraming, keepAlive: Bool, expectsContinue: Bool)
    case request(method: String, target: String, body: [UInt8])
    case failure(status: Int, code: String)

    init(_ event: ParseEvent) {
        switch event {
        case .head(let h):
            self = .head(
                method: h.method, target: h.target, minor: h.version.minor, framing: h.framing,
                keepAlive: h.keepAlive, expectsContinue: h.expectsContinue)
        case .request(let r): self = .request(method: r.method, target: r.target, body: r.body)
        case .failure(let e): self = .failure(status: e.status.code, code: e.code)
        }
    }

    var description: String {
        switch self {
        case .head(let m, let t, let minor, let f, let k, let c):
            "head(\(m) \(t) 1.\(minor) \(f) keepAlive=\(k) continue=\(c))"
        case .request(let m, let t, let b): "request(\(m) \(t) \(b.count) bytes)"
        case .failure(let s, let c): "failure(\(s) \(c))"
        }
    }
}

/// Feeds the chunks in order, collecting events until the parser needs more or fails.
func outcomes(_ chunks: [ArraySlice<UInt8>], limits: HTTPLimits = HTTPLimits()) -> [Outcome] {
    var parser = RequestParser(limits: limits)
    var result: [Outcome] = []
    for chunk in chunks {
        parser.append(chunk)
        while let event = parser.next() {
            result.append(Outcome(event))
            if case .failure = event { return result }
        }
    }
    return result
}

/// The outcomes of `raw` fed whole, after checking that every two-piece split (at each `stride`-th
/// offset) and a byte-at-a-time feed give the same outcomes.
@discardableResult
func outcomesAtEverySplit(
    _ raw: String, limits: HTTPLimits = HTTPLimits(), stride step: Int = 1,
    sourceLocation: SourceLocation = #_sourceLocation
) -> [Outcome] {
    outcomesAtEverySplit(Array(raw.utf8), limits: limits, stride: step, sourceLocation: sourceLocation)
}

@discardableResult
func outcomesAtEverySplit(
    _ bytes: [UInt8], limits: HTTPLimits = HTTPLimits(), stride step: Int = 1,
    sourceLocation: SourceLocation = #_sourceLocation
) -> [Outcome] {
    let whole = outcomes([bytes[...]], limits: limits)
    for offset in Swift.stride(from: 1, to: bytes.count, by: step) {
        let split = outcomes([bytes[..<offset], bytes[offset...]], limits: limits)
        if split != whole {
            Issue.record("split at \(offset): \(split) != \(whole)", sourceLocation: sourceLocation)
            break
        }
    }
    let single = outcomes(bytes.indices.map { bytes[$0...$0] }, limits: limits)
    #expect(single == whole, "byte at a time: \(single) != \(whole)", sourceLocation: sourceLocation)
    return whole
}

/// The single failure `raw` must produce, at every split.
func expectFailure(
    _ raw: String, status: Int, code: String, limits: HTTPLimits = HTTPLimits(),
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let result = outcomesAtEverySplit(raw, limits: limits, sourceLocation: sourceLocation)
    #expect(result.last == .failure(status: status, code: code), "\(result)", sourceLocation: sourceLocation)
}

extension Array where Element == UInt8 {
    init(_ text: String) { self = Array(text.utf8) }
}
