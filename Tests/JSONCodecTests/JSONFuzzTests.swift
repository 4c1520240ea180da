import TestSupport
import Testing

@testable import JSONCodec

private let seedDocument = Array(
    """
    {"input": [[1, 2.5e-3, -0.0], [4, 5, 6e300]], "layers": [{"type": "conv2d", "weight": [[1, 0], [0, -1]],
     "bias": [0.5], "stride": 2, "name": "caf\\u00e9 \\ud83d\\ude00 ü"}, {"type": "flatten"}, true, false, null],
     "loss": {"type": "mse", "target": [[1.0]], "reduction": "sum"}, "e": {}, "a": []}
    """.utf8)

/// Writes a parsed value back out and parses it again: the same value must come back.
private func rewritten(_ value: JSONValue) throws -> JSONValue {
    var writer = JSONWriter()
    writer.value(value)
    return try parseJSON(writer.bytes)
}

@Test func seedDocument_roundTripsThroughWriter() throws {
    let value = try parseJSON(seedDocument)
    #expect(try rewritten(value) == value)
}

/// Random byte edits of a valid document never crash the parser; whatever still parses survives
/// a write/parse round trip unchanged (non-finite numbers aside, which the writer refuses).
@Test func mutatedDocuments_neverCrash() throws {
    var rng = SplitMix64(state: 11)
    let interesting: [UInt8] =
        Array("[]{}\",:-+.eE0123456789 \\u\t\ntfnNI".utf8) + [0x00, 0x80, 0xC3, 0xED, 0xF4, 0xFF]
    var parsed = 0
    for _ in 0..<20_000 {
        var bytes = seedDocument
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: bytes[at] = interesting.randomElement(using: &rng)!
            case 1: bytes.remove(at: at)
            default: bytes.insert(interesting.randomElement(using: &rng)!, at: at)
            }
        }
        guard let value = try? parseJSON(bytes), !containsNonFinite(value) else { continue }
        parsed += 1
        #expect(try rewritten(value) == value)
    }
    #expect(parsed > 100, "the mutations should leave some documents valid")
}

private func containsNonFinite(_ value: JSONValue) -> Bool {
    switch value {
    case .number(let x): return !x.isFinite
    case .numbers(let xs): return xs.contains { !$0.isFinite }
    case .numberBlock(let block): return block.data.contains { !$0.isFinite }
    case .array(let items): return items.contains(where: containsNonFinite)
    case .object(let object): return object.members.contains { containsNonFinite($0.value) }
    default: return false
    }
}

@Test func escapedDuplicateKey_detectedAfterDecoding() {
    #expect(parseError(#"{"a": 1, "\u0061": 2}"#)?.message == "duplicate key \"a\" in object")
}

@Test func extremeExponents_saturate() throws {
    #expect(parsedNumber("1e-99999999999999999999") == 0)
    #expect(parsedNumber("-1E400") == -.infinity)
    #expect(try #require(parsedNumber("-0e-0")).sign == .minus)
    #expect(parsedNumber("0.000000000000000000000000000000000000000000001e45") == 1)
    #expect(parsedNumber("100000000000000000000000e-23") == 1)
    #expect(parsedNumber("10000000000000000000000000e-24") == 10)
}
