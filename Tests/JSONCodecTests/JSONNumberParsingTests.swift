import TestSupport
import Testing

@testable import JSONCodec

/// Hard decimal inputs with the double they must round to (round to nearest, ties to even).
@Test(
    arguments: [
        ("2.2250738585072011e-308", 0x000F_FFFF_FFFF_FFFF),  // just below DBL_MIN: the largest subnormal
        ("2.2250738585072014e-308", 0x0010_0000_0000_0000),  // DBL_MIN
        ("9007199254740993", 0x4340_0000_0000_0000),  // 2^53 + 1: halfway, ties to even (2^53)
        ("9007199254740995", 0x4340_0000_0000_0002),  // 2^53 + 3: halfway, ties to even (2^53 + 4)
        ("9007199254740993.0000000000000001", 0x4340_0000_0000_0001),  // just past halfway: up
        ("1.00000000000000011102230246251565404236316680908203125", 0x3FF0_0000_0000_0000),  // halfway
        ("1.000000000000000111022302462515654042363166809082031251", 0x3FF0_0000_0000_0001),
        ("5e-324", 0x0000_0000_0000_0001), ("2.4703282292062328e-324", 0x0000_0000_0000_0001),
        ("2.4703282292062327e-324", 0), ("1e-400", 0), ("1.7976931348623157e308", 0x7FEF_FFFF_FFFF_FFFF),
        ("1.7976931348623158e308", 0x7FEF_FFFF_FFFF_FFFF), ("1e999", 0x7FF0_0000_0000_0000),
        ("0.1", 0x3FB9_9999_9999_999A), ("1e23", 0x44B5_2D02_C7E1_4AF6),
        ("8.98846567431158e307", 0x7FE0_0000_0000_0000),
        ("123456789012345678901234567890", 0x45F8_EE90_FF6C_373E),
        ("0.000000000000000000000000000001", 0x39B4_484B_FEEB_C2A0),
    ] as [(String, UInt64)])
func hardDecimal_roundsCorrectly(text: String, bits: UInt64) throws {
    let value = try #require(parsedNumber(text))
    #expect(value.bitPattern == bits, "\(text) -> \(value) (0x\(String(value.bitPattern, radix: 16)))")
}

@Test func signs_arePreserved() throws {
    #expect(try #require(parsedNumber("-0")).bitPattern == (-0.0).bitPattern)
    #expect(try #require(parsedNumber("-0.0")).bitPattern == (-0.0).bitPattern)
    #expect(try #require(parsedNumber("-0e5")).bitPattern == (-0.0).bitPattern)
    #expect(try #require(parsedNumber("0")).bitPattern == 0)
    #expect(parsedNumber("-1e999") == -.infinity)
    #expect(try #require(parsedNumber("-1e-400")).bitPattern == (-0.0).bitPattern)
}

/// Random decimal strings of 1-25 digits and exponents across the whole range, compared with
/// the C library's correctly rounded conversion (Swift's `Double(String)`).
@Test func randomDecimals_matchCLibrary() {
    var rng = SplitMix64(state: 42)
    var failures: [String] = []
    for _ in 0..<50_000 {
        let digitCount = Int.random(in: 1...25, using: &rng)
        var digits = String(Int.random(in: 1...9, using: &rng))
        for _ in 1..<digitCount { digits += String(Int.random(in: 0...9, using: &rng)) }
        let point = Int.random(in: 0...digitCount, using: &rng)
        var text =
            point == digitCount
            ? digits
            : String(digits.prefix(max(point, 1))) + "." + digits.dropFirst(max(point, 1))
        if point == 0 { text = "0." + String(repeating: "0", count: Int.random(in: 0...8, using: &rng)) + digits }
        if Bool.random(using: &rng) { text += "e\(Int.random(in: -345...310, using: &rng))" }
        if Bool.random(using: &rng) { text = "-" + text }
        let expected = Double(text)!
        if parsedNumber(text)?.bitPattern != expected.bitPattern { failures.append(text) }
    }
    #expect(failures.isEmpty, "\(failures.prefix(10))")
}

/// Every double's shortest form and its 17-digit form read back bit for bit.
@Test func randomBitPatterns_roundTripThroughText() {
    var rng = SplitMix64(state: 7)
    var failures: [String] = []
    for _ in 0..<50_000 {
        let value = Double(bitPattern: rng.next() & 0x7FFF_FFFF_FFFF_FFFF)
        guard value.isFinite else { continue }
        for text in [value.description, String(format17: value)]
        where parsedNumber(text)?.bitPattern != value.bitPattern {
            failures.append(text)
        }
    }
    #expect(failures.isEmpty, "\(failures.prefix(10))")
}

extension String {
    /// `%.17e`-style text without Foundation: the description's digits padded to 17.
    init(format17 value: Double) {
        let text = value.description
        guard let e = text.firstIndex(where: { $0 == "e" }) else {
            self = text + "000000"
            return
        }
        self = String(text[..<e]) + (text[..<e].contains(".") ? "" : ".") + "0000" + String(text[e...])
    }
}
