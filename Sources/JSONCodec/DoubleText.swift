/// Writes a finite double as exactly the bytes of Swift's `Double.description` (Python's `repr`
/// format): the shortest round-trip digits (`Schubfach`), laid out as
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
    @inline(__always)
    static func write(_ value: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        precondition(value.isFinite, "JSON has no non-finite numbers")
        var p = out
        if value.sign == .minus {
            p.pointee = UInt8(ascii: "-")
            p += 1
        }
        let magnitude = value.magnitude
        if magnitude == 0 {
            p[0] = UInt8(ascii: "0")
            p[1] = UInt8(ascii: ".")
            p[2] = UInt8(ascii: "0")
            return p + 3 - out
        }
        var (digits, exponent) = Schubfach.shortest(magnitude)
        while digits % 10 == 0 {
            digits /= 10
            exponent += 1
        }
        let count = decimalLength(digits)
        let pointPosition = count + exponent  // digits before the decimal point
        if pointPosition < -3 || magnitude > 0x1p53 {
            return p + writeExponential(digits, count: count, exponent: pointPosition - 1, to: p) - out
        }
        return p + writeDecimal(digits, count: count, pointPosition: pointPosition, to: p) - out
    }

    /// `0.000ddd`, `dd.ddd` or `ddd000.0`.
    @inline(__always)
    private static func writeDecimal(
        _ digits: UInt64, count: Int, pointPosition: Int, to p: UnsafeMutablePointer<UInt8>
    ) -> Int {
        if pointPosition <= 0 {
            // "0.000" (at most three zeros here) in one store; the digits overwrite the extra zeros.
            store8(0x3030_3030_3030_2E30, at: p)  // "0.000000" little-endian
            writeDigits(digits, count: count, to: p + 2 - pointPosition)
            return 2 - pointPosition + count
        }
        if pointPosition < count {
            // Digits one to the right: the fraction is in place; the integer part (at most 16
            // digits) moves left by one with fixed 16-byte copies, not a variable-length memmove.
            writeDigits(digits, count: count, to: p + 1)
            let integerPart = load16(p + 1)
            let fraction = load16(p + pointPosition + 1)
            store16(integerPart, at: p)
            store16(fraction, at: p + pointPosition + 1)
            p[pointPosition] = UInt8(ascii: ".")
            return count + 1
        }
        // An integer below 2^53: at most 16 digits, so at most 15 trailing zeros.
        writeDigits(digits, count: count, to: p)
        store16((0x3030_3030_3030_3030, 0x3030_3030_3030_3030), at: p + count)
        p[pointPosition] = UInt8(ascii: ".")
        p[pointPosition + 1] = UInt8(ascii: "0")
        return pointPosition + 2
    }

    @inline(__always)
    private static func store8(_ word: UInt64, at p: UnsafeMutablePointer<UInt8>) {
        UnsafeMutableRawPointer(p).storeBytes(of: word, as: UInt64.self)
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
    private static func writeExponential(_ digits: UInt64, count: Int, exponent: Int, to p: UnsafeMutablePointer<UInt8>)
        -> Int
    {
        var length: Int
        if count == 1 {
            p[0] = UInt8(truncatingIfNeeded: digits) + UInt8(ascii: "0")
            length = 1
        } else {
            writeDigits(digits, count: count, to: p + 1)
            p[0] = p[1]
            p[1] = UInt8(ascii: ".")
            length = count + 1
        }
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

    /// Writes exactly `count` decimal digits of `value` (at most 17). Eight-digit blocks are
    /// split into independent 4- and 2-digit halves, so the divisions (multiplications by
    /// reciprocals) do not wait on each other.
    @inline(__always)
    static func writeDigits(_ value: UInt64, count: Int, to p: UnsafeMutablePointer<UInt8>) {
        if count > 8 {
            let high = value / 100_000_000
            write8(UInt32(truncatingIfNeeded: value &- high &* 100_000_000), to: p + count - 8)
            writeUpTo9(UInt32(truncatingIfNeeded: high), count: count - 8, to: p)
        } else {
            writeUpTo9(UInt32(truncatingIfNeeded: value), count: count, to: p)
        }
    }

    /// Exactly `count` (1...9) digits of `value`.
    @inline(__always)
    private static func writeUpTo9(_ value: UInt32, count: Int, to p: UnsafeMutablePointer<UInt8>) {
        if count == 9 {
            let first = value / 100_000_000
            p[0] = UInt8(truncatingIfNeeded: first) + UInt8(ascii: "0")
            write8(value &- first &* 100_000_000, to: p + 1)
            return
        }
        if count == 8 {
            write8(value, to: p)
            return
        }
        let pairs = digitPairs.utf8Start
        var end = count
        var v = value
        while v >= 100 {
            let pair = Int(v % 100)
            v /= 100
            end -= 2
            p[end] = pairs[2 * pair]
            p[end + 1] = pairs[2 * pair + 1]
        }
        if v >= 10 {
            p[end - 2] = pairs[2 * Int(v)]
            p[end - 1] = pairs[2 * Int(v) + 1]
        } else {
            p[end - 1] = UInt8(truncatingIfNeeded: v) + UInt8(ascii: "0")
        }
    }

    /// Exactly eight digits of `value` (< 10^8), leading zeros included.
    @inline(__always)
    private static func write8(_ value: UInt32, to p: UnsafeMutablePointer<UInt8>) {
        let high = value / 10_000
        let low = value &- high &* 10_000
        write4(high, to: p)
        write4(low, to: p + 4)
    }

    /// Exactly four digits of `value` (< 10^4), leading zeros included.
    @inline(__always)
    private static func write4(_ value: UInt32, to p: UnsafeMutablePointer<UInt8>) {
        let high = Int(value / 100)
        let low = Int(value) &- high &* 100
        write2(high, to: p)
        write2(low, to: p + 2)
    }

    /// The two digits of `pair` (< 100) as one 16-bit copy from `digitPairs`.
    @inline(__always)
    private static func write2(_ pair: Int, to p: UnsafeMutablePointer<UInt8>) {
        let digits = UnsafeRawPointer(digitPairs.utf8Start + 2 * pair).loadUnaligned(as: UInt16.self)
        UnsafeMutableRawPointer(p).storeBytes(of: digits, as: UInt16.self)
    }

    /// Number of decimal digits of `v` (1...17), testing the common 17- and 16-digit cases first.
    @inline(__always)
    static func decimalLength(_ v: UInt64) -> Int {
        if v >= 10_000_000_000_000_000 { return 17 }
        if v >= 1_000_000_000_000_000 { return 16 }
        var length = 1
        var threshold: UInt64 = 10
        while v >= threshold {
            length += 1
            threshold *= 10
        }
        return length
    }
}
