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

    /// `(digits, exponent)` with `value == digits × 10^exponent` after reading back; `digits` may
    /// carry trailing zeros. Precondition: `value` is finite and positive.
    @inline(__always)
    static func shortest(_ value: Double) -> (digits: UInt64, exponent: Int) {
        let bits = value.bitPattern
        let fraction = bits & ((1 << 52) - 1)
        let biasedExponent = Int(bits >> 52)
        // Subnormals take the same path with the smallest normal's exponent.
        let c = biasedExponent == 0 ? fraction : fraction | 1 << 52
        let q = max(biasedExponent, 1) &- 1075
        let isInteger = q <= 0 && q > -53 && (c >> UInt64(0 &- q)) << UInt64(0 &- q) == c
        guard fraction != 0, q < 960, !isInteger else { return Schubfach.shortest(value) }
        return scaled(c: c, q: q)
    }

    @inline(__always)
    private static func scaled(c: UInt64, q: Int) -> (digits: UInt64, exponent: Int) {
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
        // Which one wins is a coin toss on tensor data: selected with a mask, not a branch.
        let shorter = integral &+ roundUp
        let longer = integral &* 10 &+ digit
        let pickShorter = 0 &- shorterFits
        return ((shorter & pickShorter) | (longer & ~pickShorter), k &+ Int(truncatingIfNeeded: shorterFits))
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
