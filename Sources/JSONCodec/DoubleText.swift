/// Writes a finite double as exactly the bytes of Swift's `Double.description` (Python's `repr`
/// format): the shortest round-trip digits (`ShortestDecimal`), laid out as
/// - `0.0` / `-0.0` for zeros;
/// - plain decimal with at least one fractional digit (`2.0`, `0.001`, `123.456`) when
///   `1e-4 <= |v| <= 2^53`;
/// - otherwise `d.ddde±XX`, exponent at least two digits (`1e-05`, `1e+16`, `5e-324`).
enum DoubleText {
    /// The most bytes one double can take: `-1.7976931348623157e+308` has 24.
    static let maxLength = 24

    /// The room `write` needs at its destination: it stores whole 8- and 16-byte words past the
    /// text it leaves (at most 35 bytes in), which later writes overwrite.
    static let scratchLength = 48

    /// "00" "01" ... "99": two ASCII digits per value below 100, with no initialisation cost.
    static let digitPairs: StaticString =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    static let hexDigits: StaticString = "0123456789abcdef"

    /// Writes `value` at `out` (which must have `scratchLength` bytes of room); returns the length.
    ///
    /// Branch-light on purpose: tensors are random signs and digit counts, so the sign is a store
    /// and an offset, the digit count is arithmetic, and the digits always take three stores
    /// (`SeventeenDigits`); only the layout (plain or exponential) branches.
    @inline(__always)
    static func write(_ value: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        precondition(value.isFinite, "JSON has no non-finite numbers")
        out.pointee = UInt8(ascii: "-")
        let p = out + Int(truncatingIfNeeded: value.bitPattern >> 63)
        let magnitude = value.magnitude
        if magnitude == 0 {
            p[0] = UInt8(ascii: "0")
            p[1] = UInt8(ascii: ".")
            p[2] = UInt8(ascii: "0")
            return p + 3 - out
        }
        let decimal = ShortestDecimal.digits(magnitude)
        let count = decimal.count
        let pointPosition = count + decimal.exponent  // digits before the decimal point
        // Nearly every double of a tensor has 16 or 17 digits here: their text is made from the
        // digits as they are (at most one leading zero in 17 places), so the digit arithmetic
        // does not wait for the digit count and the normalising multiplication.
        let leadingZeros = 17 &- count
        if leadingZeros <= 1 && pointPosition >= -3 && pointPosition <= 16 && magnitude <= 0x1p53 {
            let text = SeventeenDigits(head: decimal.head, last: decimal.last)
            if pointPosition <= 0 {
                return p + writeFraction(text, leadingZeros: leadingZeros, pointPosition: pointPosition, to: p) - out
            }
            return p + writeDecimal(text, leadingZeros: leadingZeros, pointPosition: pointPosition, to: p) - out
        }
        let text = SeventeenDigits(decimal.significand &* powersOfTen[17 - count])
        if pointPosition < -3 || magnitude > 0x1p53 {
            return p + writeExponential(text, exponent: pointPosition - 1, to: p) - out
        }
        if pointPosition <= 0 { return p + writeFraction(text, pointPosition: pointPosition, to: p) - out }
        return p + writeDecimal(text, pointPosition: pointPosition, to: p) - out
    }

    /// `0.ddd`, `0.000ddd` (`pointPosition` in -3...0): "0.000" in one store, the digits over the
    /// extra zeros.
    @inline(__always)
    private static func writeFraction(_ text: SeventeenDigits, pointPosition: Int, to p: UnsafeMutablePointer<UInt8>)
        -> Int
    {
        UnsafeMutableRawPointer(p).storeBytes(of: UInt64(0x3030_3030_3030_2E30).littleEndian, as: UInt64.self)
        text.store(at: p + 2 - pointPosition)
        return 2 - pointPosition + text.significantCount
    }

    /// `dd.ddd` or `ddd000.0` (`pointPosition` in 1...16, the value at most 2^53): the 17 digits
    /// one to the right, then the integer part (at most 16 digits) moved left by one with fixed
    /// 16-byte copies, not a variable-length memmove. The padding zeros of the 17 digits are
    /// already an integer's trailing zeros and the `0` after its point.
    @inline(__always)
    private static func writeDecimal(_ text: SeventeenDigits, pointPosition: Int, to p: UnsafeMutablePointer<UInt8>)
        -> Int
    {
        text.store(at: p + 1)
        let integerPart = load16(p + 1)
        let fraction = load16(p + pointPosition + 1)
        store16(integerPart, at: p)
        store16(fraction, at: p + pointPosition + 1)
        p[pointPosition] = UInt8(ascii: ".")
        let significant = text.significantCount
        return significant > pointPosition ? significant + 1 : pointPosition + 2
    }

    /// `writeFraction` for a text with `leadingZeros` (0 or 1) zeros before its digits: the text
    /// goes that much further left, over the "0." (whose `.` is put back).
    @inline(__always)
    private static func writeFraction(
        _ text: SeventeenDigits, leadingZeros: Int, pointPosition: Int, to p: UnsafeMutablePointer<UInt8>
    ) -> Int {
        UnsafeMutableRawPointer(p).storeBytes(of: UInt64(0x3030_3030_3030_2E30).littleEndian, as: UInt64.self)
        text.store(at: p + 2 - pointPosition - leadingZeros)
        p[1] = UInt8(ascii: ".")
        return 2 - pointPosition + text.significantCount - leadingZeros
    }

    /// `writeDecimal` for a text with `leadingZeros` (0 or 1) zeros before its digits; an integer
    /// of 16 digits has no padding zero after it, so its `0` after the point is written.
    @inline(__always)
    private static func writeDecimal(
        _ text: SeventeenDigits, leadingZeros: Int, pointPosition: Int, to p: UnsafeMutablePointer<UInt8>
    ) -> Int {
        text.store(at: p + 1 - leadingZeros)
        let integerPart = load16(p + 1)
        let fraction = load16(p + pointPosition + 1)
        store16(integerPart, at: p)
        store16(fraction, at: p + pointPosition + 1)
        p[pointPosition] = UInt8(ascii: ".")
        let significant = text.significantCount - leadingZeros
        if significant > pointPosition { return significant + 1 }
        p[pointPosition + 1] = UInt8(ascii: "0")
        return pointPosition + 2
    }

    @inline(__always)
    private static func load16(_ p: UnsafeMutablePointer<UInt8>) -> (UInt64, UInt64) {
        let raw = UnsafeRawPointer(p)
        return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    @inline(__always)
    private static func store16(_ words: (UInt64, UInt64), at p: UnsafeMutablePointer<UInt8>) {
        let raw = UnsafeMutableRawPointer(p)
        raw.storeBytes(of: words.0, as: UInt64.self)
        raw.storeBytes(of: words.1, toByteOffset: 8, as: UInt64.self)
    }

    /// `d[.ddd]e±XX[X]`.
    @inline(__always)
    private static func writeExponential(_ text: SeventeenDigits, exponent: Int, to p: UnsafeMutablePointer<UInt8>)
        -> Int
    {
        text.store(at: p + 1)
        p[0] = p[1]
        p[1] = UInt8(ascii: ".")
        let length = text.significantCount == 1 ? 1 : text.significantCount + 1
        p[length] = UInt8(ascii: "e")
        p[length + 1] = exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
        let e = exponent.magnitude
        let pairs = digitPairs.utf8Start
        if e >= 100 {
            p[length + 2] = UInt8(truncatingIfNeeded: e / 100) + UInt8(ascii: "0")
            let rest = Int(e % 100)
            p[length + 3] = pairs[2 * rest]
            p[length + 4] = pairs[2 * rest + 1]
            return length + 5
        }
        p[length + 2] = pairs[2 * Int(e)]
        p[length + 3] = pairs[2 * Int(e) + 1]
        return length + 4
    }

    /// 10^0 ... 10^19, every power of ten a `UInt64` holds.
    static let powersOfTen: [UInt64] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
        10_000_000_000_000_000_000,
    ]

    /// Number of decimal digits of `v` (>= 1), with no loop or data-dependent branch: the bit
    /// length times log10(2) (1233 / 4096) is the count or one less, and one comparison decides.
    @inline(__always)
    static func decimalLength(_ v: UInt64) -> Int {
        let guess = ((64 - v.leadingZeroBitCount) &* 1233) >> 12
        return guess + (v >= powersOfTen[guess] ? 1 : 0)
    }
}
