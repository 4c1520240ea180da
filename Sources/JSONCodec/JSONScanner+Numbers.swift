/// Number tokens (RFC 8259 §6): `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
extension JSONScanner {
    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// Whether `c` can start a number token (`-` or a digit).
    @inline(__always)
    static func startsNumber(_ c: UInt8) -> Bool { c == UInt8(ascii: "-") || isDigit(c) }

    /// Reads a number token at the current position, correctly rounded to the nearest double.
    /// The first 19 significant digits are gathered into an integer `w` and the value is
    /// `w × 10^exponent`; a longer mantissa goes to the slow, exact path.
    @inline(__always)
    mutating func readNumber() throws(JSONParseError) -> Double {
        let start = position
        var p = position
        let negative = byte(at: p) == UInt8(ascii: "-")
        if negative { p += 1 }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var truncated = false

        // Integer part: a single 0, or a non-zero digit followed by any digits.
        let first = byte(at: p)
        guard Self.isDigit(first) else {
            throw error(negative ? "expected a digit after '-'" : "expected a number", at: p)
        }
        if first == UInt8(ascii: "0") {
            p += 1
            if Self.isDigit(byte(at: p)) { throw error("leading zeros are not allowed in numbers", at: start) }
        } else {
            while p < count, Self.isDigit(base[p]) {
                let digit = UInt64(base[p] &- UInt8(ascii: "0"))
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ digit
                    significantDigits += 1
                } else {
                    exponent += 1
                    truncated = truncated || digit != 0
                }
                p += 1
            }
        }
        // Fraction: '.' and at least one digit. Leading zeros of a zero mantissa are not significant.
        if byte(at: p) == UInt8(ascii: ".") {
            p += 1
            guard Self.isDigit(byte(at: p)) else { throw error("expected a digit after '.'", at: p) }
            while p < count, Self.isDigit(base[p]) {
                let digit = UInt64(base[p] &- UInt8(ascii: "0"))
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ digit
                    if mantissa != 0 { significantDigits += 1 }
                    exponent -= 1
                } else {
                    truncated = truncated || digit != 0
                }
                p += 1
            }
        }
        // Exponent: 'e' or 'E', an optional sign, at least one digit (saturated: the token is short).
        if byte(at: p) | 0x20 == UInt8(ascii: "e") {
            p += 1
            let sign = byte(at: p)
            let negativeExponent = sign == UInt8(ascii: "-")
            if negativeExponent || sign == UInt8(ascii: "+") { p += 1 }
            guard Self.isDigit(byte(at: p)) else { throw error("expected a digit in the exponent", at: p) }
            var value = 0
            while p < count, Self.isDigit(base[p]) {
                if value < 100_000 { value = value * 10 + Int(base[p] &- UInt8(ascii: "0")) }
                p += 1
            }
            exponent += negativeExponent ? -value : value
        }
        if p - start > limits.maxNumberLength {
            throw error("number longer than \(limits.maxNumberLength) characters", at: start)
        }
        position = p
        if truncated {
            return DecimalToDouble.strtodFallback(UnsafeBufferPointer(start: base + start, count: p - start))
        }
        return DecimalToDouble.convert(mantissa: mantissa, exponent: exponent, negative: negative)
    }
}
