import TestSupport
import Testing

@testable import JSONCodec

/// `digits × 10^exponent` with the trailing zeros of `digits` moved into the exponent, so two
/// generators that pad differently compare equal when they name the same decimal.
private func canonical(_ decimal: (digits: UInt64, exponent: Int)) -> (UInt64, Int) {
    var (digits, exponent) = decimal
    while digits != 0 && digits % 10 == 0 {
        digits /= 10
        exponent += 1
    }
    return (digits, exponent)
}

/// Records the first few doubles on which the one-product generator and Schubfach differ.
private func expectSameDigits(_ values: [Double], _ label: String) {
    var mismatches = 0
    for value in values where value.isFinite && value > 0 {
        let fast = canonical(ShortestDecimal.shortest(value))
        let reference = canonical(Schubfach.shortest(value))
        guard fast != reference else { continue }
        mismatches += 1
        if mismatches <= 5 {
            Issue.record("\(label): \(value) (bits \(value.bitPattern)): \(fast) against Schubfach's \(reference)")
        }
    }
    #expect(mismatches == 0, "\(label): \(mismatches) of \(values.count) differ")
}

@Test func edgeDoubles_sameDigitsAsSchubfach() {
    var values = edgeDoubles().map(\.magnitude)
    values += [5e-324, 1.7976931348623157e308, 0.1, 0.3, 1e23, 9_007_199_254_740_993, 2.5e-323, 0x1p-1022]
    for raw in UInt64(1)...5000 { values.append(Double(bitPattern: raw)) }  // the smallest subnormals
    for raw in UInt64(1)...2000 { values.append(Double(bitPattern: (1 << 52) - raw)) }  // the largest
    expectSameDigits(values, "edge doubles")
}

@Test func randomBitPatterns_sameDigitsAsSchubfach() {
    var rng = SplitMix64(state: 17)
    let values = (0..<1_000_000).map { _ in Double(bitPattern: rng.next() & ~(1 << 63)) }
    expectSameDigits(values, "random bit patterns")
}

/// Every binary exponent with random significands, and the significands next to the ends of
/// each binade, where the interval and the decade change.
@Test func everyExponent_sameDigitsAsSchubfach() {
    var rng = SplitMix64(state: 23)
    var values: [Double] = []
    for exponent in UInt64(0)...2046 {
        for _ in 0..<200 { values.append(Double(bitPattern: exponent << 52 | rng.next() >> 12)) }
        for low in UInt64(0)..<4 {
            values.append(Double(bitPattern: exponent << 52 | low))
            values.append(Double(bitPattern: exponent << 52 | ((1 << 52) - 1 - low)))
        }
    }
    expectSameDigits(values, "every exponent")
}

/// A tensor's values (uniform in [-1, 1), as gradbench's body) and short decimals, whose shortest
/// form is the shorter candidate.
@Test func tensorValuesAndShortDecimals_sameDigitsAsSchubfach() {
    var rng = SplitMix64(state: 29)
    var values = (0..<500_000).map { _ in Double(rng.next() >> 11) * 0x1p-53 }
    for digits in 1...17 {
        let scale = DoubleText.powersOfTen[digits]
        for _ in 0..<10_000 {
            let mantissa = rng.next() % scale
            let exponent = Int(rng.next() % 600) - 300
            values.append(Double("\(mantissa)e\(exponent)")!)
        }
    }
    expectSameDigits(values, "tensor values and short decimals")
}

/// The digit text of both generators, through the writer's layout, on random doubles.
@Test func writtenText_sameAsDescription() {
    var rng = SplitMix64(state: 31)
    for _ in 0..<200_000 {
        let value = Double(bitPattern: rng.next())
        guard value.isFinite else { continue }
        #expect(written(value) == value.description)
    }
}

/// The writer relies on `Digits` being consistent: `count` is the significand's digit count and
/// `last` one digit, and normal non-integers have 16 or 17 digits (its no-normalising layout).
@Test func digits_countAndLastDigitAreConsistent() {
    var rng = SplitMix64(state: 37)
    for _ in 0..<300_000 {
        let value = Double(bitPattern: rng.next() & ~(1 << 63))
        guard value.isFinite, value > 0 else { continue }
        let decimal = ShortestDecimal.digits(value)
        #expect(decimal.last < 10)
        #expect(decimal.count == DoubleText.decimalLength(decimal.significand), "\(value)")
        if value.isNormal && value != value.rounded() && value.significandBitPattern != 0 {
            #expect(decimal.count >= 16, "\(value)")
        }
    }
}
