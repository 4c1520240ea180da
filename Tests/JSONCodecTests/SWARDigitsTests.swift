import TestSupport
import Testing

@testable import JSONCodec

// The eight-bytes-at-a-time helpers of Sources/JSONCodec/JSONScanner+CommonNumbers.swift and
// Sources/JSONCodec/SeventeenDigits.swift, checked byte by byte.

/// Bytes that matter around digits: the digits, the token's other bytes, separators, and bytes
/// whose low or high bits look like a digit's.
private let interestingBytes: [UInt8] =
    Array(UInt8(ascii: "0")...UInt8(ascii: "9")) + Array(",.-+eE] \t\n/:".utf8) + [
        0, 0x7F, 0x80, 0xB0, 0xB9, 0xFF, 0x20, 0x3A,
    ]

private func word(_ bytes: [UInt8]) -> UInt64 {
    bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
}

@Test func digitTests_matchBytewise() {
    var rng = SplitMix64(state: 17)
    for _ in 0..<100_000 {
        let bytes = (0..<8).map { _ in rng.pick(interestingBytes) }
        let isDigit = bytes.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        let leading = isDigit.firstIndex(of: false) ?? 8
        #expect(JSONScanner.leadingDigitCount(word(bytes)) == leading, "\(bytes)")
        let flags = JSONScanner.notDigitBytes(word(bytes))
        for i in 0..<8 { #expect((flags >> (8 * UInt64(i)) & 0xFF == 0x80) == !isDigit[i], "\(bytes) byte \(i)") }
        let value = bytes.prefix(leading).reduce(UInt64(0)) { $0 * 10 + UInt64($1 - UInt8(ascii: "0")) }
        #expect(JSONScanner.valueOfLeadingDigits(word(bytes), count: leading) == value, "\(bytes)")
    }
}

@Test func separatorTests_matchBytewise() {
    var rng = SplitMix64(state: 23)
    for _ in 0..<100_000 {
        let bytes = (0..<8).map { _ in rng.pick(interestingBytes) }
        let commas = JSONScanner.zeroBytes(word(bytes) ^ 0x2C2C_2C2C_2C2C_2C2C)
        let gathered = JSONScanner.gatherHighBits(commas)
        for i in 0..<8 { #expect((gathered >> UInt64(i)) & 1 == (bytes[i] == UInt8(ascii: ",") ? 1 : 0), "\(bytes)") }
    }
}

/// The lane divisions of `SeventeenDigits.unpackedDigits` are exact over their whole ranges.
@Test func laneDivisions_exactOverTheirRanges() {
    for x in 0..<UInt64(10_000) { #expect((x * 10486) >> 20 == x / 100) }
    for x in 0..<UInt64(100) { #expect((x * 103) >> 10 == x / 10) }
}

@Test func unpackedDigits_matchDecimalText() {
    var rng = SplitMix64(state: 3)
    var samples: [UInt32] = [0, 1, 9, 10, 99, 100, 9_999, 10_000, 99_999_999, 12_345_678, 10_000_001]
    for _ in 0..<100_000 { samples.append(UInt32(rng.next() % 100_000_000)) }
    for value in samples {
        let text = String(value)
        let digits = Array((String(repeating: "0", count: 8 - text.count) + text).utf8).map { $0 - UInt8(ascii: "0") }
        #expect(SeventeenDigits.unpackedDigits(value) == word(digits), "\(value)")
    }
}

@Test func seventeenDigits_countSignificantDigits() {
    for (value, significant) in [
        (10_000_000_000_000_000 as UInt64, 1), (12_000_000_000_000_000, 2), (10_000_000_100_000_000, 9),
        (10_000_000_010_000_000, 10), (12_345_678_901_234_567, 17), (99_999_999_999_999_999, 17),
        (10_000_000_000_000_001, 17),
    ] {
        let digits = SeventeenDigits(value)
        #expect(digits.significantCount == significant, "\(value)")
        var bytes = [UInt8](repeating: 0, count: 17)
        bytes.withUnsafeMutableBufferPointer { digits.store(at: $0.baseAddress!) }
        #expect(String(decoding: bytes, as: UTF8.self) == String(value))
    }
}

@Test func decimalLength_matchesTextLength() {
    var values: [UInt64] = [1, 9, 10, 11, 99, 100, UInt64.max]
    for n in 1...19 {
        let power = DoubleText.powersOfTen[n]
        values += [power - 1, power, power + 1]
    }
    for value in values { #expect(DoubleText.decimalLength(value) == String(value).count, "\(value)") }
}
