/// A decimal significand written as exactly 17 ASCII digits, eight at a time with no table and no
/// branch (the SWAR "itoa by multiplication" split: 8 digits -> two 4-digit lanes -> four 2-digit
/// lanes -> eight 1-digit lanes of one 64-bit word; Lemire, "Faster integer formatting", 2021).
///
/// The layout code in DoubleText.swift normalises every shortest significand to 17 digits
/// (`digits × 10^(17 - count)`), so a number's digits always take the same three stores and the
/// padding zeros at the end are already the zeros an integer like `1200.0` needs.
struct SeventeenDigits {
    /// The leading digit, ASCII.
    let first: UInt8
    /// Digits 2...9 and 10...17, ASCII, first digit in the lowest byte (stored little-endian).
    let middle: UInt64
    let last: UInt64
    /// Digits up to and including the last non-zero one (1...17).
    let significantCount: Int

    /// Precondition: `value < 10^17` (below 10^16 the text starts with zeros).
    @inline(__always)
    init(_ value: UInt64) {
        let high = value / 100_000_000
        let low = value &- high &* 100_000_000
        let leading = high / 100_000_000
        let middleValue = high &- leading &* 100_000_000
        let middleDigits = Self.unpackedDigits(UInt32(truncatingIfNeeded: middleValue))
        let lastDigits = Self.unpackedDigits(UInt32(truncatingIfNeeded: low))
        // Trailing zero digits are the high zero bytes of the unpacked words (8 when all zero).
        let lastZeros = lastDigits.leadingZeroBitCount >> 3
        let middleZeros = middleDigits.leadingZeroBitCount >> 3
        let trailingZeros = lastZeros == 8 ? 8 + middleZeros : lastZeros
        first = UInt8(truncatingIfNeeded: leading) &+ UInt8(ascii: "0")
        middle = middleDigits | 0x3030_3030_3030_3030
        last = lastDigits | 0x3030_3030_3030_3030
        significantCount = 17 - trailingZeros
    }

    /// The 17 digits of `head × 10 + last` (`head < 10^16`, `last` < 10): the 16 of `head` are
    /// two 8-digit words, the last digit a byte put after them, so they need not wait for it.
    @inline(__always)
    init(head: UInt64, last lastDigit: UInt64) {
        let high = head / 100_000_000
        let low = head &- high &* 100_000_000
        let highDigits = Self.unpackedDigits(UInt32(truncatingIfNeeded: high))
        let lowDigits = Self.unpackedDigits(UInt32(truncatingIfNeeded: low))
        let middleDigits = highDigits >> 8 | lowDigits << 56
        let lastDigits = lowDigits >> 8 | lastDigit << 56
        let lastZeros = lastDigits.leadingZeroBitCount >> 3
        let middleZeros = middleDigits.leadingZeroBitCount >> 3
        let trailingZeros = lastZeros == 8 ? 8 + middleZeros : lastZeros
        first = UInt8(truncatingIfNeeded: highDigits) | UInt8(ascii: "0")
        middle = middleDigits | 0x3030_3030_3030_3030
        last = lastDigits | 0x3030_3030_3030_3030
        significantCount = 17 - trailingZeros
    }

    /// Stores the 17 digits at `p...p+16`.
    @inline(__always)
    func store(at p: UnsafeMutablePointer<UInt8>) {
        p[0] = first
        let raw = UnsafeMutableRawPointer(p + 1)
        raw.storeBytes(of: middle.littleEndian, as: UInt64.self)
        raw.storeBytes(of: last.littleEndian, toByteOffset: 8, as: UInt64.self)
    }

    /// The eight decimal digits of `value` (< 10^8), one per byte, most significant in the lowest.
    /// Lane divisions by 100 and 10 are multiplications: `x * 10486 >> 20 == x / 100` for
    /// x < 10^4 and `x * 103 >> 10 == x / 10` for x < 100 (checked exhaustively in the tests).
    @inline(__always)
    static func unpackedDigits(_ value: UInt32) -> UInt64 {
        let v = UInt64(value)
        let upper4 = v / 10_000
        let fours = upper4 | (v &- upper4 &* 10_000) << 32
        let hundreds = ((fours &* 10486) >> 20) & 0x0000_007F_0000_007F
        let twos = hundreds | (fours &- hundreds &* 100) << 16
        let tens = ((twos &* 103) >> 10) & 0x000F_000F_000F_000F
        return tens | (twos &- tens &* 10) << 8
    }
}
