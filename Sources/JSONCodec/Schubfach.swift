/// Shortest round-trip decimal for a binary64 value: Schubfach (Giulietti, "The Schubfach way to
/// render doubles", 2021).
///
/// For `v = c × 2^q` the rounding interval `[v - ulp⁻/2, v + ulp/2]` (closed when `c` is even,
/// matching round-half-even reading) is scaled by `10^-k`, `k = floor(log10(2^q))`, using a
/// 128-bit overestimate `g` of the power of ten and round-to-odd products, which keep enough
/// information to decide exactly. Among the decimals in the interval the shortest is chosen, and
/// among equally short ones the closest to `v` (ties to an even digit).
enum Schubfach {
    /// `(digits, exponent)` with `value == digits × 10^exponent` after reading back; `digits` may
    /// carry trailing zeros. Precondition: `value` is finite and positive.
    @inline(__always)
    static func shortest(_ value: Double) -> (digits: UInt64, exponent: Int) {
        let bits = value.bitPattern
        let fraction = bits & ((1 << 52) - 1)
        let biasedExponent = Int(bits >> 52)
        let c: UInt64
        let q: Int
        if biasedExponent != 0 {
            c = fraction | 1 << 52
            q = biasedExponent &- 1075
            // Integers below 2^53 are their own shortest form.
            if q <= 0 && q > -53 {
                let integer = c >> UInt64(-q)
                if integer << UInt64(-q) == c { return (integer, 0) }
            }
        } else {
            c = fraction
            q = -1074
        }
        return interval(c: c, q: q, lowerIsCloser: fraction == 0 && biasedExponent > 1)
    }

    /// Figures 4 and 6 of the paper: the scaled interval ends `lower`, `upper` (in quarters) and
    /// the scaled value `vb`, then one digit fewer (`s / 10`) if that still lies inside.
    @inline(__always)
    private static func interval(c: UInt64, q: Int, lowerIsCloser: Bool) -> (digits: UInt64, exponent: Int) {
        let isEven = c & 1 == 0
        // Wrapping arithmetic throughout: every value here is bounded (c < 2^53, |q| < 1100),
        // and overflow checks would be a third of the instructions.
        let cb = c &<< 2
        // floor(log10(2^q)), or floor(log10(3/4 × 2^q)) when the lower neighbour is closer.
        let k = (q &* 1_262_611 &- (lowerIsCloser ? 524_031 : 0)) >> 22
        // h = q + floor(log2(10^-k)) + 1, in 1...4, so (cb << h) × g / 2^128 = cb × 2^q × 10^-k.
        let h = UInt64(truncatingIfNeeded: q &+ ((0 &- k) &* 1_741_647) >> 19 &+ 1)
        let index = 2 &* (0 &- k &- schubfachMinExponent)
        let cbl = cb &- 2 &+ (lowerIsCloser ? 1 : 0)
        let cbr = cb &+ 2
        let (vbl, vb, vbr) = schubfachPowersOfTen.withUnsafeBufferPointer { table in
            let gHigh = table[index]
            let gLow = table[index &+ 1]
            return (
                roundToOdd(gHigh, gLow, cbl &<< h), roundToOdd(gHigh, gLow, cb &<< h),
                roundToOdd(gHigh, gLow, cbr &<< h)
            )
        }
        let lower = vbl &+ (isEven ? 0 : 1)
        let upper = vbr &- (isEven ? 0 : 1)
        // Both candidates are computed and one is selected with masks: on tensor data which one
        // wins is a coin toss, so a branch would be mispredicted half the time (`&&`, `||` and
        // nested `?:` compile to branches here, so the flags are 0/1 integers).
        let s = vb &>> 2
        let sp = s / 10
        let upInside = bit(lower <= 40 &* sp)
        let wpInside = bit(40 &* sp &+ 40 <= upper)
        let shorterFits = bit(s >= 10) & (upInside ^ wpInside)
        let uInside = bit(lower <= 4 &* s)
        let wInside = bit(4 &* s &+ 4 <= upper)
        let mid = 4 &* s &+ 2
        let roundUp = bit(vb > mid) | (bit(vb == mid) & s & 1)
        let oneEndInside = uInside ^ wInside
        let longer = s &+ ((oneEndInside & wInside) | ((oneEndInside ^ 1) & roundUp))
        let shorter = sp &+ wpInside
        let pickShorter = 0 &- shorterFits
        return ((shorter & pickShorter) | (longer & ~pickShorter), k &+ Int(truncatingIfNeeded: shorterFits))
    }

    /// 1 for true, 0 for false.
    @inline(__always)
    private static func bit(_ condition: Bool) -> UInt64 { condition ? 1 : 0 }

    /// `floor(g × cp / 2^128)` with its lowest bit set when the discarded part is not (near) zero:
    /// rounding to odd keeps "exact or not" through the one later division by 4.
    @inline(__always)
    private static func roundToOdd(_ gHigh: UInt64, _ gLow: UInt64, _ cp: UInt64) -> UInt64 {
        let low = cp.multipliedFullWidth(by: gLow)
        let high = cp.multipliedFullWidth(by: gHigh)
        let (y0, carry) = high.low.addingReportingOverflow(low.high)
        let y1 = high.high &+ (carry ? 1 : 0)
        return y1 | (y0 > 1 ? 1 : 0)
    }
}
