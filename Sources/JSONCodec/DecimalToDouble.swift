#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decimal-to-binary64 conversion, correctly rounded (round to nearest, ties to even).
///
/// A decimal `w × 10^q` (w < 10^19 exactly) goes through three paths, fastest first:
/// 1. Clinger's fast path for integers: `w <= 2^53` and `0 <= q <= 22`, so `w` and `10^q` are
///    exact doubles and one IEEE multiplication rounds once, correctly.
/// 2. Eisel-Lemire (Lemire, "Number Parsing at a Gigabyte per Second", 2021, and Mushtak & Lemire,
///    "Fast Number Parsing Without Fallback", 2023): a 64x128-bit product with a truncated power
///    of five, which is exact enough for every 19-digit `w`.
/// 3. Mantissas with more than 19 significant digits: Eisel-Lemire on the 19-digit truncation and
///    on its successor; if they disagree, the C library's `strtod` (glibc's is correctly rounded,
///    and the token is plain ASCII `-1.5e3` syntax) on a NUL-terminated copy of the token.
///
/// Edge cases: underflow gives ±0 or the correctly rounded subnormal; overflow gives ±infinity.
enum DecimalToDouble {
    /// 10^0 ... 10^22: every one is exactly representable in binary64.
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The double nearest to `w × 10^q` (with the sign applied), for an exact `w`.
    @inline(__always)
    static func convert(mantissa w: UInt64, exponent q: Int, negative: Bool) -> Double {
        if w == 0 { return withSign(0, negative: negative) }
        let magnitude: Double
        // Clinger's path only for integers: for fractions, whether `w` fits 53 bits is a coin toss
        // on tensor data (16 or 17 digits), and a mispredicted branch costs more than Eisel-Lemire.
        if w <= 1 << 53 && q >= 0 && q <= 22 {
            magnitude = Double(w) * exactPowersOfTen[q]
        } else {
            magnitude = eiselLemire(w, q)
        }
        return withSign(magnitude, negative: negative)
    }

    /// `convert` for `w × 10^-fractionDigits` with 1 to 19 fraction digits, the row reader's
    /// numbers (JSONScanner+NumberRows.swift): Eisel-Lemire without the checks that such an
    /// exponent cannot need. The value is at least 10^-19 unless zero, so never subnormal and never
    /// infinite, and an exact halfway case needs `q >= -4` with `w × 10^q` not an integer, which
    /// a 64-bit `w` cannot give below -4 (Lemire 2021, §8): only `fractionDigits <= 4` can tie.
    @inline(__always)
    static func convertFraction(mantissa w: UInt64, fractionDigits: Int, negative: Bool) -> Double {
        guard fractionDigits > 4 else { return convert(mantissa: w, exponent: -fractionDigits, negative: negative) }
        let q = 0 &- fractionDigits
        let leadingZeros = w.leadingZeroBitCount
        let high = productApproximation(w << UInt64(leadingZeros), q).high
        let upperBit = high >> 63
        var mantissa = high >> (upperBit &+ 9)
        mantissa = (mantissa &+ (mantissa & 1)) >> 1
        // Rounding up to 2^53 moves to the next binade: one more in the exponent, same bits below.
        let carry = mantissa >> 53
        let power2 =
            UInt64(truncatingIfNeeded: ((217_706 &* q) >> 16) &+ 63 &- leadingZeros &+ 1023) &+ upperBit &+ carry
        let bits = power2 << 52 | (mantissa & ((1 << 52) - 1)) | UInt64(negative ? 1 : 0) << 63
        return w == 0 ? withSign(0, negative: negative) : Double(bitPattern: bits)
    }

    /// `magnitude` with its sign bit set when `negative`, as a bit operation: on tensor data the
    /// sign is random, and a branch on it is mispredicted half the time.
    @inline(__always)
    static func withSign(_ magnitude: Double, negative: Bool) -> Double {
        Double(bitPattern: magnitude.bitPattern | UInt64(negative ? 1 : 0) << 63)
    }

    /// Eisel-Lemire for `w × 10^q`, `w != 0`: the binary64 bits computed from the high bits of
    /// `w × 5^q` (a 128-bit table entry), with the round-to-even repair for exact halfway cases.
    /// A transcription of fast_float's `compute_float<binary64>`.
    @inline(__always)
    static func eiselLemire(_ w: UInt64, _ q: Int) -> Double {
        if q < powersOfFiveMinExponent { return 0 }
        if q > powersOfFiveMaxExponent { return .infinity }
        let leadingZeros = w.leadingZeroBitCount
        let normalized = w << UInt64(leadingZeros)
        let (high, low) = productApproximation(normalized, q)
        let upperBit = Int(high >> 63)
        let shift = upperBit + 64 - 52 - 3
        var mantissa = high >> UInt64(shift)
        // floor(log2(10^q)) + 63, minus the binary64 minimum exponent (-1023).
        var power2 = ((217_706 * q) >> 16) + 63 + upperBit - leadingZeros + 1023
        if power2 <= 0 {
            // Subnormal (or zero): shift into place, then round half up (ties cannot occur here).
            if -power2 + 1 >= 64 { return 0 }
            mantissa >>= UInt64(-power2 + 1)
            mantissa += mantissa & 1
            mantissa >>= 1
            power2 = mantissa < 1 << 52 ? 0 : 1
            return Double(bitPattern: UInt64(power2) << 52 | (mantissa & ((1 << 52) - 1)))
        }
        // Exactly halfway between two doubles: only possible when 5^q fits in 64 bits.
        if low <= 1 && q >= -4 && q <= 23 && mantissa & 3 == 1 && (mantissa << UInt64(shift)) == high {
            mantissa &= ~1
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= 2 << 52 {
            mantissa = 1 << 52
            power2 += 1
        }
        if power2 >= 0x7FF { return .infinity }
        return Double(bitPattern: UInt64(power2) << 52 | (mantissa & ((1 << 52) - 1)))
    }

    /// The high 128 bits of `w × 5^q` to 55 bits of precision: the second table word is only
    /// needed when the first product's low bits are all ones.
    @inline(__always)
    static func productApproximation(_ w: UInt64, _ q: Int) -> (high: UInt64, low: UInt64) {
        let index = 2 * (q - powersOfFiveMinExponent)
        return powersOfFive128.withUnsafeBufferPointer { table in
            var (high, low) = w.multipliedFullWidth(by: table[index])
            let precisionMask: UInt64 = 0xFFFF_FFFF_FFFF_FFFF >> 55
            if high & precisionMask == precisionMask {
                let second = w.multipliedFullWidth(by: table[index + 1]).high
                let (sum, carry) = low.addingReportingOverflow(second)
                low = sum
                if carry { high &+= 1 }
            }
            return (high, low)
        }
    }

    /// A decimal whose digits past the 19th were dropped (not all zero): the true value lies
    /// strictly between `w × 10^q` and `(w + 1) × 10^q`, so when both round to the same double
    /// (nearly always), so does it; otherwise the exact slow path decides.
    static func convertTruncated(
        mantissa w: UInt64, exponent q: Int, negative: Bool,
        token: UnsafeBufferPointer<UInt8>
    ) -> Double {
        let low = eiselLemire(w, q)
        if low.bitPattern == eiselLemire(w + 1, q).bitPattern { return negative ? -low : low }
        return strtodFallback(token)
    }

    /// The slow, always-correct path: the C library's `strtod` on a NUL-terminated copy.
    static func strtodFallback(_ token: UnsafeBufferPointer<UInt8>) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: token.count + 1) { buffer in
            for i in 0..<token.count { buffer[i] = CChar(bitPattern: token[i]) }
            buffer[token.count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }
}
