import TestSupport
import Testing

@testable import JSONCodec

/// The writer's bytes for one double.
func written(_ value: Double) -> String {
    var writer = JSONWriter()
    writer.number(value)
    return String(decoding: writer.bytes, as: UTF8.self)
}

/// Values where the layout or the digit search changes: format thresholds, boundaries of the
/// exponent range, powers of two (asymmetric intervals) and of ten, subnormals.
func edgeDoubles() -> [Double] {
    var values: [Double] = [
        0, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 1, 2, 0x1p-1074, 0x1p-1073, 2.2250738585072014e-308,
        0x0.fffffffffffffp-1022, .greatestFiniteMagnitude, .leastNormalMagnitude,
        .leastNonzeroMagnitude, 1e-4, 1e-5, 1e15, 1e16, 1e17, 0x1p53, 0x1p54, 123.456,
        9_007_199_254_740_991, 4503599627370496.5, 1e21, 1e22, 1e23, 0x0.00005c3e5cbebp-1022, 1.5e300,
    ]
    for e in -325...308 { values.append(Double("1e\(e)")!) }
    for e in -1074...1023 { values.append(Double(sign: .plus, exponent: e, significand: 1)) }
    for base in values where base.isFinite && base > 0 {
        if base.nextUp.isFinite { values.append(base.nextUp) }
        if base.nextDown > 0 { values.append(base.nextDown) }
    }
    for i in stride(from: 0, through: 1 << 53, by: (1 << 53) / 4096) { values.append(Double(i)) }
    for i in 0...2000 {
        values.append(Double(i))
        values.append(Double(i) / 8)
    }
    values.append(contentsOf: (0..<64).map { Double(sign: .plus, exponent: 0, significand: 1) * 1e15 + Double($0) })
    values.append(contentsOf: (0..<64).map { 1e16 - Double($0) })
    return values.flatMap { [$0, -$0] }
}

@Test func examples_matchReprFormat() {
    let expected: [(Double, String)] = [
        (0.1, "0.1"), (1e-5, "1e-05"), (1e16, "1e+16"), (2, "2.0"), (-0.0, "-0.0"), (0, "0.0"),
        (0x1p-1074, "5e-324"), (.greatestFiniteMagnitude, "1.7976931348623157e+308"), (1e15, "1000000000000000.0"),
        (0x1p53, "9007199254740992.0"), (0x1p53 + 2, "9.007199254740994e+15"), (1e-4, "0.0001"),
        (0.00012345, "0.00012345"), (123.456, "123.456"), (1e100, "1e+100"), (-1.5e-7, "-1.5e-07"),
    ]
    for (value, text) in expected { #expect(written(value) == text, "\(value)") }
}

@Test func edgeCases_matchDescription() {
    var mismatches: [String] = []
    for value in edgeDoubles() where written(value) != value.description {
        mismatches.append("\(value.description) written as \(written(value))")
    }
    #expect(mismatches.isEmpty, "\(mismatches.count): \(mismatches.prefix(8))")
}

/// Random bit patterns (all exponents equally likely) and random values in [0, 1): the writer's
/// bytes equal `description`, and parsing them gives back the same bits.
@Test func randomDoubles_matchDescriptionAndRoundTrip() throws {
    var rng = SplitMix64(state: 2024)
    var mismatches: [String] = []
    for i in 0..<200_000 {
        let bits = rng.next()
        let value = i % 2 == 0 ? Double(bitPattern: bits) : Double(bits >> 11) * 0x1p-53
        guard value.isFinite else { continue }
        let text = written(value)
        if text != value.description { mismatches.append("\(value.description) written as \(text)") }
        let back = try parseJSON(Array(text.utf8)).numberValue
        if back?.bitPattern != value.bitPattern {
            mismatches.append("\(text) read back as \(String(describing: back))")
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count): \(mismatches.prefix(8))")
}
