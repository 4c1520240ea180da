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
            q = biasedExponent - 1075
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
        let cb = 4 * c
        // floor(log10(2^q)), or floor(log10(3/4 × 2^q)) when the lower neighbour is closer.
        let k = (q * 1_262_611 - (lowerIsCloser ? 524_031 : 0)) >> 22
        // h = q + floor(log2(10^-k)) + 1, in 1...4, so (cb << h) × g / 2^128 = cb × 2^q × 10^-k.
        let h = UInt64(q + ((-k * 1_741_647) >> 19) + 1)
        let index = 2 * (-k - schubfachMinExponent)
        let (vbl, vb, vbr) = schubfachPowersOfTen.withUnsafeBufferPointer { table in
            scaledEnds(gHigh: table[index], gLow: table[index + 1], cp: cb << h, h: h, lowerIsCloser: lowerIsCloser)
        }
        let lower = vbl + (isEven ? 0 : 1)
        let upper = vbr - (isEven ? 0 : 1)
        // Both candidates are computed and one is selected with masks: on tensor data which one
        // wins is a coin toss, so a branch would be mispredicted half the time (`&&`, `||` and
        // nested `?:` compile to branches here, so the flags are 0/1 integers).
        let s = vb / 4
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
        return ((shorter & pickShorter) | (longer & ~pickShorter), k + Int(truncatingIfNeeded: shorterFits))
    }

    /// 1 for true, 0 for false.
    @inline(__always)
    private static func bit(_ condition: Bool) -> UInt64 { condition ? 1 : 0 }

    /// `roundToOdd(g, x)` of the paper for `x` = `cbl << h`, `cb << h` and `cbr << h`, from one
    /// exact 192-bit product `g × (cb << h)`: the ends differ from it by `g × (2 << h)` (or
    /// `g × (1 << h)` for the closer lower end), which are shifts of `g`, so two 64x64-bit
    /// multiplications do the work of six.
    @inline(__always)
    private static func scaledEnds(gHigh: UInt64, gLow: UInt64, cp: UInt64, h: UInt64, lowerIsCloser: Bool)
        -> (lower: UInt64, middle: UInt64, upper: UInt64)
    {
        let low = cp.multipliedFullWidth(by: gLow)
        let high = cp.multipliedFullWidth(by: gHigh)
        let (middleWord, carry) = high.low.addingReportingOverflow(low.high)
        let product = (high.high &+ (carry ? 1 : 0), middleWord, low.low)
        let upper = add(product, shifted(gHigh, gLow, by: h &+ 1))
        let lower = subtract(product, shifted(gHigh, gLow, by: h &+ 1 &- (lowerIsCloser ? 1 : 0)))
        return (roundToOdd(lower), roundToOdd(product), roundToOdd(upper))
    }

    /// A 192-bit number as (high, middle, low) words.
    private typealias Words192 = (UInt64, UInt64, UInt64)

    /// `g << s` for `s` in 1...5 (g < 2^128, so it fits 192 bits).
    @inline(__always)
    private static func shifted(_ gHigh: UInt64, _ gLow: UInt64, by s: UInt64) -> Words192 {
        (gHigh &>> (64 &- s), gHigh &<< s | gLow &>> (64 &- s), gLow &<< s)
    }

    @inline(__always)
    private static func add(_ a: Words192, _ b: Words192) -> Words192 {
        let (low, carry0) = a.2.addingReportingOverflow(b.2)
        let (middle0, carry1) = a.1.addingReportingOverflow(b.1)
        let (middle, carry2) = middle0.addingReportingOverflow(carry0 ? 1 : 0)
        return (a.0 &+ b.0 &+ (carry1 ? 1 : 0) &+ (carry2 ? 1 : 0), middle, low)
    }

    @inline(__always)
    private static func subtract(_ a: Words192, _ b: Words192) -> Words192 {
        let (low, borrow0) = a.2.subtractingReportingOverflow(b.2)
        let (middle0, borrow1) = a.1.subtractingReportingOverflow(b.1)
        let (middle, borrow2) = middle0.subtractingReportingOverflow(borrow0 ? 1 : 0)
        return (a.0 &- b.0 &- (borrow1 ? 1 : 0) &- (borrow2 ? 1 : 0), middle, low)
    }

    /// `floor(g × x / 2^128)` with its lowest bit set when the discarded middle word is above 1
    /// (the paper's round to odd; the lowest word is not consulted): it keeps "exact or not"
    /// through the one later division by 4.
    @inline(__always)
    private static func roundToOdd(_ product: Words192) -> UInt64 {
        product.0 | (product.1 > 1 ? 1 : 0)
    }
}
