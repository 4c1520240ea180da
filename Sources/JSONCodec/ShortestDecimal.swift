/// Shortest round-trip digits with one 64×128-bit product for nearly every double: the value is
/// scaled by `10^-(k+1)` (`k = floor(log10(2^q))`), which gives the shorter Schubfach candidate
/// as the integer part and the longer one's last digit from the fraction; the half-ulp scaled
/// the same way says whether the shorter one (or the one above it) lies in the rounding
/// interval. This is the regular case of vitaut's zmij (github.com/vitaut/zmij, zmij.cc
/// `to_decimal`, after Xiang JunBo), written here for our tables.
///
/// The result equals `Schubfach.shortest`'s as a decimal (`digits × 10^exponent`, trailing zeros
/// aside); the tests compare both on millions of doubles. Values it does not take go to
/// `Schubfach.shortest`: integers below 2^53, powers of two (whose lower neighbour is closer),
/// and exponents above 10^291, where its power of ten is past the table.
enum ShortestDecimal {
    /// Bits below the integer part in the scaled product's high word (zmij's `extra_shift`).
    private static let extraShift: UInt64 = 9

    /// A decimal `(head × 10 + last) × 10^exponent` of `count` digits (`head × 10 + last` may end
    /// in zeros): the last digit apart, so that the text of the 16 before it does not wait for it.
    struct Digits {
        var head: UInt64
        /// 0...9.
        var last: UInt64
        var count: Int
        var exponent: Int

        var significand: UInt64 { head &* 10 &+ last }
    }

    /// The shortest decimal that reads back as `value`. Precondition: `value` is finite and positive.
    @inline(__always)
    static func digits(_ value: Double) -> Digits {
        let bits = value.bitPattern
        let fraction = bits & ((1 << 52) - 1)
        let biasedExponent = Int(bits >> 52)
        let c = fraction | 1 << 52
        let q = biasedExponent &- 1075
        let isInteger = q <= 0 && q > -53 && (c >> UInt64(0 &- q)) << UInt64(0 &- q) == c
        guard fraction != 0, biasedExponent != 0, q < 960, !isInteger else {
            let (digits, exponent) = Schubfach.shortest(value)
            return Digits(
                head: digits / 10, last: digits % 10, count: DoubleText.decimalLength(digits), exponent: exponent)
        }
        return scaled(c: c, q: q)
    }

    /// `(digits, exponent)` with `value == digits × 10^exponent`: `digits(value)` as one integer.
    static func shortest(_ value: Double) -> (digits: UInt64, exponent: Int) {
        let decimal = digits(value)
        return (decimal.significand, decimal.exponent)
    }

    /// A normal double that is neither an integer nor a power of two: 16 or 17 digits, the last
    /// a zero when the shorter candidate wins.
    @inline(__always)
    private static func scaled(c: UInt64, q: Int) -> Digits {
        let k = (q &* 315_653) >> 20  // floor(log10(2^q))
        // floor(log2(10^-(k+1))) + q + 1 + extraShift: puts the integer part above bit 9 of
        // the high word whatever q is within its decade.
        let shift = UInt64(truncatingIfNeeded: q &+ (((0 &- k &- 1) &* 217_707) >> 16) &+ 1) &+ extraShift
        let index = 2 &* (0 &- k &- 1 &- schubfachMinExponent)
        let (high, low, powerHigh) = schubfachPowersOfTen.withUnsafeBufferPointer { table in
            // The table holds floor(10^e × 2^r) + 1; this wants the floor.
            let gHigh = table[index]
            let gLow = table[index &+ 1]
            let powerLow = gLow &- 1
            let powerHigh = gHigh &- (gLow == 0 ? 1 : 0)
            let (high, low) = highBits(powerHigh, powerLow, c &<< shift)
            return (high, low, powerHigh)
        }
        // The integer part: the shorter candidate, 15 or 16 digits (c >= 2^52).
        let integral = high >> extraShift
        let fractional = high << (64 &- extraShift) | low >> extraShift
        let halfUlp = (powerHigh >> (extraShift &+ 1 &- shift)) &+ (1 &- (c & 1))
        // The shorter candidate is inside the interval: rounded up, or as it is.
        let roundUp = bit(fractional.addingReportingOverflow(halfUlp).overflow)
        let shorterFits = roundUp | bit(halfUlp > fractional)
        // The longer candidate's last digit: the fraction's first decimal, rounded to nearest
        // (zmij's bias of 6, and its one exact tie, 0.25 × 10 = 2.5, made even).
        let (tenths, tenthsLow) = UInt64(10).multipliedFullWidth(by: fractional)
        let digit =
            fractional == 1 << 62 ? 2 : tenths &+ bit(tenthsLow.addingReportingOverflow((1 << 63) &+ 6).overflow)
        // Which one wins is a coin toss on tensor data: no branch. The shorter one is the head
        // (rounded up or not) and a last digit 0, the longer one the head and `digit`.
        let head = integral &+ roundUp
        let last = digit & (shorterFits &- 1)
        let count = 16 &+ Int(truncatingIfNeeded: bit(head >= 1_000_000_000_000_000))
        return Digits(head: head, last: last, count: count, exponent: k)
    }

    /// 1 for true, 0 for false.
    @inline(__always)
    private static func bit(_ condition: Bool) -> UInt64 { condition ? 1 : 0 }

    /// The high 128 bits of the 192-bit product `(gHigh × 2^64 + gLow) × y`.
    @inline(__always)
    private static func highBits(_ gHigh: UInt64, _ gLow: UInt64, _ y: UInt64) -> (UInt64, UInt64) {
        let top = y.multipliedFullWidth(by: gHigh)
        let lowHigh = y.multipliedFullWidth(by: gLow).high
        let (middle, carry) = top.low.addingReportingOverflow(lowHigh)
        return (top.high &+ (carry ? 1 : 0), middle)
    }
}
