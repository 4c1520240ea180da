/// Number tokens (RFC 8259 §6): `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
extension JSONScanner {
    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// Whether `c` can start a number token (`-` or a digit).
    @inline(__always)
    static func startsNumber(_ c: UInt8) -> Bool { c == UInt8(ascii: "-") || isDigit(c) }

    /// Reads a number token at the current position, correctly rounded to the nearest double.
    ///
    /// Every digit is folded into `w` (wrapping) and the value is `w × 10^exponent`; when the
    /// mantissa has more than 19 digits after its leading zeros, `w` is rebuilt from the first
    /// 19 significant digits and the conversion is told the rest were dropped.
    @inline(__always)
    mutating func readNumber() throws(JSONParseError) -> Double {
        if let common = readCommonNumber() { return common }
        return try readAnyNumber()
    }

    /// `readNumber` for any shape the common reader (JSONScanner+CommonNumbers.swift) declines.
    mutating func readAnyNumber() throws(JSONParseError) -> Double {
        let start = position
        var p = position
        let negative = byte(at: p) == UInt8(ascii: "-")
        if negative { p += 1 }
        let digitsStart = p
        var mantissa: UInt64 = 0
        // Integer part: a single 0, or a non-zero digit followed by any digits.
        let first = byte(at: p)
        guard Self.isDigit(first) else {
            throw error(negative ? "expected a digit after '-'" : "expected a number", at: p)
        }
        if first == UInt8(ascii: "0") {
            p += 1
            if Self.isDigit(byte(at: p)) { throw error("leading zeros are not allowed in numbers", at: start) }
        } else {
            p = foldDigits(from: p, into: &mantissa)
        }
        var digitCount = p - digitsStart
        var exponent = 0
        // Fraction: '.' and at least one digit.
        if byte(at: p) == UInt8(ascii: ".") {
            let fractionStart = p + 1
            p = foldDigits(from: fractionStart, into: &mantissa)
            if p == fractionStart { throw error("expected a digit after '.'", at: p) }
            digitCount += p - fractionStart
            exponent = fractionStart - p
        }
        let mantissaEnd = p
        if byte(at: p) | 0x20 == UInt8(ascii: "e") {
            p = try readExponent(from: p + 1, into: &exponent)
        }
        if p - start > limits.maxNumberLength {
            throw error("number longer than \(limits.maxNumberLength) characters", at: start)
        }
        position = p
        if digitCount > 19 {
            let digits = UnsafeBufferPointer(start: base + digitsStart, count: mantissaEnd - digitsStart)
            if Self.significantDigitCount(digits) > 19 {
                return convertLong(
                    digits, exponent: exponent, negative: negative,
                    token: UnsafeBufferPointer(start: base + start, count: p - start))
            }
        }
        return DecimalToDouble.convert(mantissa: mantissa, exponent: exponent, negative: negative)
    }

    /// Folds the digits from `p` into `mantissa` (wrapping), eight at a time while it can;
    /// returns the offset of the first non-digit.
    @inline(__always)
    private func foldDigits(from start: Int, into mantissa: inout UInt64) -> Int {
        var p = start
        while p + 8 <= count {
            let eight = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
            guard Self.areEightDigits(eight) else { break }
            mantissa = mantissa &* 100_000_000 &+ Self.valueOfEightDigits(eight)
            p += 8
        }
        while p < count, Self.isDigit(base[p]) {
            mantissa = mantissa &* 10 &+ UInt64(base[p] &- UInt8(ascii: "0"))
            p += 1
        }
        return p
    }

    /// `[+-]? digits` after the 'e', added to `exponent` (saturated: the token is short anyway).
    @inline(__always)
    private func readExponent(from start: Int, into exponent: inout Int) throws(JSONParseError) -> Int {
        var p = start
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
        return p
    }

    /// Whether the 8 little-endian bytes of `word` are all ASCII digits (fast_float's test: each
    /// byte's high nibble is 3, and adding 6 does not carry into it).
    @inline(__always)
    static func areEightDigits(_ word: UInt64) -> Bool {
        let highNibbles = word & 0xF0F0_F0F0_F0F0_F0F0
        let carried = ((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4
        return highNibbles | carried == 0x3333_3333_3333_3333
    }

    /// The value of eight ASCII digits (first digit in the lowest byte), in three multiplications.
    @inline(__always)
    static func valueOfEightDigits(_ word: UInt64) -> UInt64 {
        var v = word &- 0x3030_3030_3030_3030
        v = v &* 10 &+ (v >> 8)  // pairs: 10 * d0 + d1 in bytes 0, 2, 4, 6
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        let pairsA = (v & mask) &* 0x000F_4240_0000_0064  // 100 and 1_000_000
        let pairsB = ((v >> 16) & mask) &* 0x0000_2710_0000_0001  // 1 and 10_000
        return (pairsA &+ pairsB) >> 32
    }

    /// Mantissa digits after the leading zeros (`0.000123` has 3); `digits` may include the `.`.
    private static func significantDigitCount(_ digits: UnsafeBufferPointer<UInt8>) -> Int {
        var leadingZeros = 0
        var hasPoint = false
        for c in digits {
            if c == UInt8(ascii: ".") {
                hasPoint = true
                continue
            }
            if c != UInt8(ascii: "0") { break }
            leadingZeros += 1
        }
        if !hasPoint { hasPoint = digits.contains(UInt8(ascii: ".")) }
        return digits.count - (hasPoint ? 1 : 0) - leadingZeros
    }

    /// More than 19 significant mantissa digits (`digits` may include the `.`): the first 19
    /// make `w`; each later digit moves the exponent up by one and, if non-zero, marks `w` as
    /// truncated.
    private func convertLong(
        _ digits: UnsafeBufferPointer<UInt8>, exponent fractionExponent: Int, negative: Bool,
        token: UnsafeBufferPointer<UInt8>
    ) -> Double {
        var w: UInt64 = 0
        var significant = 0
        var exponent = fractionExponent
        var truncated = false
        for c in digits where c != UInt8(ascii: ".") {
            let digit = UInt64(c &- UInt8(ascii: "0"))
            if significant < 19 {
                w = w * 10 + digit
                if w != 0 { significant += 1 }
            } else {
                exponent += 1
                truncated = truncated || digit != 0
            }
        }
        if !truncated { return DecimalToDouble.convert(mantissa: w, exponent: exponent, negative: negative) }
        return DecimalToDouble.convertTruncated(mantissa: w, exponent: exponent, negative: negative, token: token)
    }
}
