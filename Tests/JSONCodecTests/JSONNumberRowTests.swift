import TestSupport
import Testing

@testable import JSONCodec

// The row reader (Sources/JSONCodec/JSONScanner+NumberRows.swift) runs only where at least
// `JSONScanner.commonNumberReach` bytes follow a number; nearer the end the general reader does
// the work. So each document here is read twice, as it is and with trailing spaces, and both
// reads must agree with each other and with the C library's reading of every token.

/// `text` followed by enough spaces that every number in it is read by the row reader.
private func padded(_ text: String) -> String { text + String(repeating: " ", count: 160) }

/// A row `[t0,t1,...]` of the tokens, each read by `Double(String)` for the expected values.
private func expectRowReads(_ tokens: [String], prefix: String = "", sourceLocation: SourceLocation = #_sourceLocation)
{
    let text = prefix + "[" + tokens.joined(separator: ",") + "]"
    let expected = tokens.map { Double($0)!.bitPattern }
    for document in [text, padded(text)] {
        let bits = (try? parse(document))?.arrayElements?.map { $0.numberValue?.bitPattern }
        #expect(bits == expected.map { $0 }, "\(document.prefix(120))", sourceLocation: sourceLocation)
    }
}

@Test func numberRows_digitRunsOfEveryLength() {
    var rng = SplitMix64(state: 91)
    for integerDigits in 1...7 {
        for fractionDigits in 0...40 where integerDigits + fractionDigits <= 40 {
            var tokens: [String] = []
            for _ in 0..<6 {
                var token = rng.bool() ? "-" : ""
                token += String(integerDigits == 1 ? rng.int(0...9) : rng.int(1...9))
                for _ in 1..<integerDigits { token += String(rng.int(0...9)) }
                if fractionDigits > 0 {
                    token += "."
                    for _ in 0..<fractionDigits { token += String(rng.int(0...9)) }
                }
                tokens.append(token)
            }
            expectRowReads(tokens)
        }
    }
}

/// The same row shifted by 0...70 bytes, so its numbers cross the 8-byte words and the 64-byte
/// windows of the row reader at every offset.
@Test func numberRows_atEveryAlignment() {
    var rng = SplitMix64(state: 5)
    let tokens = (0..<40).map { _ -> String in
        let value = rng.uniform() * [1, 1e-3, 7, 1e5, 1e-7, 3e20][rng.index(6)]
        return rng.bool() ? value.description : String(rng.int(-99_999...99_999))
    }
    for shift in 0...70 { expectRowReads(tokens, prefix: String(repeating: " ", count: shift)) }
}

/// Shapes the row reader hands back to the general reader: exponents, whitespace, long
/// mantissas, non-numbers, nested arrays; every one read the same with and without padding.
@Test func numberRows_otherElements_readAsTheGeneralReaderDoes() throws {
    let documents = [
        "[1e5,0.5,-2E-3,7]", "[0.1234567890123456789,1]", "[1 , 2,\t3\n]", "[0.5,\"a,b\",0.25]",
        "[0.5,[1,2],0.25]", "[0.5,null,true]", "[1.5,{\"a\":1}]", "[0.12345678901234567,0.1234567890123456789012]",
        "[12345678.5,123456789012345678901234,0.0000000000000000001]", "[-0.0,0.0,-0,0]",
        "[1.7976931348623157e308,5e-324,2.2250738585072014e-308]", "[0.5]", "[0.5,-0.25]",
        "[0.123456789,1.12345678901234,-0.5]", "[0.123456789 ,1.123456789012\n]",
    ]
    for document in documents {
        let plain = try parse(document)
        let withPadding = try parse(padded(document))
        #expect(plain == withPadding, "\(document)")
        #expect(plain.arrayElements?.count == withPadding.arrayElements?.count)
    }
}

/// Malformed rows fail with the same message at the same offset whether or not the row reader
/// saw them first (the one unterminated row fails at the end of input, which padding moves).
@Test func numberRows_errors_sameWithAndWithoutRowReader() {
    let documents = [
        "[0.5,,1]", "[0.5,1.]", "[0.5,01]", "[0.5,-]", "[0.5,1.e5]", "[0.5,1e]", "[0.5,2,]", "[0.5 0.25]",
        "[0.5,0.1234567890123456x]", "[0.5,.5]", "[0.5,+1]", "[0.5,1.5.5]",
        "[0.1234567890123456,0x10]", "[0.5,-01.5]", "[0.5,0.5]]", "[0.5;0.5]",
        "[0.5,0.123456789x]", "[0.5,1.1234567890.5]", "[0.5,-1.123456789012e]",
    ]
    for document in documents {
        let plain = parseError(document)
        #expect(plain != nil, "\(document) parsed")
        let withPadding = parseError(padded(document))
        #expect(
            plain?.offset == withPadding?.offset,
            "\(document): \(String(describing: plain)) vs \(String(describing: withPadding))")
        #expect(plain?.message == withPadding?.message, "\(document)")
    }
}

/// An unterminated row fails at the end of input, read by either reader.
@Test func unterminatedRow_failsAtTheEndOfInput() {
    for document in ["[0.5,0.12345678901234567", padded("[0.5,0.12345678901234567")] {
        let error = parseError(document)
        #expect(error?.offset == document.utf8.count, "\(String(describing: error))")
    }
}

/// Half a million random bit patterns (every exponent, subnormals, both signs) written as one
/// tensor row: the bytes equal the values' `description`s joined by commas, and the row reads
/// back bit for bit.
@Test func randomBitPatterns_writeAsDescriptionAndReadBackInRows() throws {
    var rng = SplitMix64(state: 2026)
    var values: [Double] = []
    values.reserveCapacity(500_000)
    while values.count < 500_000 {
        let value = Double(bitPattern: rng.next())
        if value.isFinite { values.append(value) }
    }
    var writer = JSONWriter(reservingCapacity: values.count * 25)
    writer.tensor(shape: [values.count], data: values)
    let expected = Array(("[" + values.map(\.description).joined(separator: ",") + "]").utf8)
    if writer.bytes != expected, let first = values.first(where: { written($0) != $0.description }) {
        Issue.record("\(first.description) written as \(written(first))")
    }
    #expect(writer.bytes == expected)
    guard case .numbers(let back) = try parseJSON(writer.bytes) else {
        Issue.record("the row did not parse as numbers")
        return
    }
    #expect(back.count == values.count)
    #expect(zip(back, values).first { $0.bitPattern != $1.bitPattern } == nil)
}

/// Values near powers of ten, subnormals, -0.0, 17-digit values and the exponent limits, in a
/// tensor written and read back through the row reader.
@Test func edgeDoubles_roundTripThroughTensorRows() throws {
    let values = edgeDoubles()
    var writer = JSONWriter()
    writer.tensor(shape: [values.count], data: values)
    guard case .numbers(let back) = try parseJSON(writer.bytes) else {
        Issue.record("the row did not parse as numbers")
        return
    }
    let mismatched = zip(back, values).filter { $0.bitPattern != $1.bitPattern }
    #expect(back.count == values.count && mismatched.isEmpty, "\(mismatched.prefix(8))")
}

/// The row reader's conversion without Eisel-Lemire's range and halfway checks gives what the
/// general conversion gives, for every fraction length it is used with and mantissas up to 19
/// digits, including those that round up into the next binade (`0.99999999999999999`).
@Test func convertFraction_matchesConvert() {
    var rng = SplitMix64(state: 41)
    var mantissas: [UInt64] = [0, 1, 9, 99_999_999_999_999_999, 9_999_999_999_999_999_999, 1 << 53, (1 << 53) + 1]
    for digits in 1...19 {
        for _ in 0..<1_000 { mantissas.append(rng.next() % DoubleText.powersOfTen[digits]) }
        mantissas.append(DoubleText.powersOfTen[digits] - 1)
    }
    for w in mantissas {
        for fractionDigits in 1...19 {
            for negative in [false, true] {
                let fast = DecimalToDouble.convertFraction(
                    mantissa: w, fractionDigits: fractionDigits, negative: negative)
                let general = DecimalToDouble.convert(mantissa: w, exponent: -fractionDigits, negative: negative)
                #expect(fast.bitPattern == general.bitPattern, "\(w)e-\(fractionDigits)")
            }
        }
    }
}
