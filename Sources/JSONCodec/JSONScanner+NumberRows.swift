/// Rows of numbers (`n,n,...,n]`, a tensor's innermost arrays) read without the general
/// reader's byte loop, in two ways:
/// - the shape a shortest round-trip double below 10 takes (`-?d.` and 16 to 19 fraction digits,
///   most of a tensor) is read one number after another: its three fraction words are loaded at
///   once, and the first non-digit of the third says where it ends (of the second, for 9 to 15
///   fraction digits);
/// - any other `-?(0|[1-9]d{0,6})(.d{1,19})?` token is read a 64-byte window at a time: the
///   commas and the closing bracket are found first, eight bytes at a time, then each number
///   between two of them with its length known.
///
/// At the first token neither takes (exponents, whitespace, long mantissas, non-numbers, errors)
/// the row reader stops at that token's first byte and the general reader carries on, so what is
/// accepted, and every error, stays the general reader's (JSONScanner+Numbers.swift).
extension JSONScanner {
    /// Reads numbers into `row` from the current position (just after `[` or `,`). Returns true
    /// when the row's `]` was consumed; false with `position` at the first token not read.
    mutating func readCommonRow(into row: inout RowBuffer) -> Bool {
        while position &+ Self.commonNumberReach <= count {
            // The shortest-form shape needs no separator scan: its own last word says where it ends.
            if let (value, end) = shortestFormNumber(at: position) {
                row.reserve(1)
                row.appendReserved(value)
                position = end &+ 1
                if base[end] == UInt8(ascii: "]") { return true }
                continue
            }
            if !readCommonWindow(into: &row) { return false }
            if base[position &- 1] == UInt8(ascii: "]") { return true }
        }
        return false
    }

    /// One 64-byte window of the row: the separators are found first, then each number between
    /// two of them is read with its length known. Returns false (with `position` at the token)
    /// at a token it does not take or a row end beyond the window; true after the last complete
    /// number, with `position` after its separator.
    private mutating func readCommonWindow(into row: inout RowBuffer) -> Bool {
        let windowStart = position
        guard windowStart &+ 64 &+ Self.commonNumberReach <= count else { return false }
        var separators = separatorMask(at: windowStart)
        var tokenStart = windowStart
        row.reserve(32)  // at most 32 numbers end in 64 bytes
        while separators != 0 {
            let end = windowStart &+ separators.trailingZeroBitCount
            guard let value = commonToken(from: tokenStart, to: end) else {
                position = tokenStart
                return false
            }
            row.appendReserved(value)
            tokenStart = end &+ 1
            position = tokenStart
            if base[end] == UInt8(ascii: "]") { return true }
            separators &= separators &- 1
        }
        return tokenStart != windowStart  // false: a token longer than the window
    }

    /// Bit i set when byte `offset + i` (i < 64) is `,` or `]`.
    @inline(__always)
    private func separatorMask(at offset: Int) -> UInt64 {
        var mask: UInt64 = 0
        for word in 0..<8 {
            let bytes = loadWord(at: offset &+ 8 &* word)
            let flags = Self.zeroBytes(bytes ^ 0x2C2C_2C2C_2C2C_2C2C) | Self.zeroBytes(bytes ^ 0x5D5D_5D5D_5D5D_5D5D)
            mask |= Self.gatherHighBits(flags) << UInt64(8 &* word)
        }
        return mask
    }

    /// 0x80 in each byte of `x` that is zero, 0 in the others (exact: no carry crosses a byte).
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        let nonZero = ((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x
        return ~nonZero & 0x8080_8080_8080_8080
    }

    /// The top bits of the eight bytes (`flags` has only bits 7, 15, ..., 63) as bits 0...7.
    @inline(__always)
    static func gatherHighBits(_ flags: UInt64) -> UInt64 {
        ((flags >> 7) &* 0x0102_0408_1020_4080) >> 56
    }

    /// The number in `start..<end` if it has the common shape, else nil. The words it loads may
    /// reach `commonNumberReach` bytes past `start`.
    @inline(__always)
    private func commonToken(from start: Int, to end: Int) -> Double? {
        guard end &- start <= limits.maxNumberLength else { return nil }
        let negative = base[start] == UInt8(ascii: "-")
        let integerStart = start &+ (negative ? 1 : 0)
        if let value = shortestFormToken(at: integerStart, to: end, negative: negative) { return value }
        let integerWord = loadWord(at: integerStart)
        let integerCount = Self.leadingDigitCount(integerWord)
        guard integerCount >= 1, integerCount <= 7, integerCount == 1 || base[integerStart] != UInt8(ascii: "0")
        else { return nil }
        var mantissa = Self.valueOfLeadingDigits(integerWord, count: integerCount)
        let integerEnd = integerStart &+ integerCount
        if integerEnd == end { return DecimalToDouble.convert(mantissa: mantissa, exponent: 0, negative: negative) }
        let fractionCount = end &- integerEnd &- 1
        guard base[integerEnd] == UInt8(ascii: "."), fractionCount >= 1,
            (mantissa == 0 ? 0 : integerCount) &+ fractionCount <= 19
        else { return nil }
        var q = integerEnd &+ 1
        var remaining = fractionCount
        while remaining >= 8 {
            let word = loadWord(at: q)
            guard Self.leadingDigitCount(word) == 8 else { return nil }
            mantissa = mantissa &* 100_000_000 &+ Self.valueOfEightDigits(word)
            q &+= 8
            remaining &-= 8
        }
        let word = loadWord(at: q)
        guard Self.leadingDigitCount(word) >= remaining else { return nil }
        mantissa = mantissa &* DoubleText.powersOfTen[remaining] &+ Self.valueOfLeadingDigits(word, count: remaining)
        return DecimalToDouble.convert(mantissa: mantissa, exponent: -fractionCount, negative: negative)
    }

    /// `d.dddddddddddddddd[ddd]`: one integer digit and 16...19 fraction digits, the shape a
    /// shortest round-trip double in [1e-3, 10) takes (and most of a tensor's), checked and folded
    /// as three words with no loop and no digit counting. Nil for any other token.
    @inline(__always)
    private func shortestFormToken(at integerStart: Int, to end: Int, negative: Bool) -> Double? {
        let leading = UInt64(base[integerStart] &- UInt8(ascii: "0"))
        let fractionStart = integerStart &+ 2
        let tail = end &- fractionStart &- 16  // fraction digits past the 16th: 0...3
        guard leading < 10, base[integerStart &+ 1] == UInt8(ascii: "."), tail >= 0, tail <= (leading == 0 ? 3 : 2)
        else { return nil }
        let first = loadWord(at: fractionStart)
        let second = loadWord(at: fractionStart &+ 8)
        let third = loadWord(at: fractionStart &+ 16)
        let tailBytes = (UInt64(1) << UInt64(truncatingIfNeeded: 8 &* tail)) &- 1
        let notDigits = Self.notDigitBytes(first) | Self.notDigitBytes(second) | (Self.notDigitBytes(third) & tailBytes)
        guard notDigits == 0 else { return nil }
        let sixteen =
            leading &* 10_000_000_000_000_000 &+ Self.valueOfEightDigits(first) &* 100_000_000
            &+ Self.valueOfEightDigits(second)
        let mantissa = sixteen &* DoubleText.powersOfTen[tail] &+ Self.valueOfLeadingDigits(third, count: tail)
        return DecimalToDouble.convertFraction(mantissa: mantissa, fractionDigits: 16 &+ tail, negative: negative)
    }

    /// `-?d.dddddddddddddddd[ddd]` followed by `,` or `]` at `start`: the value and the offset of
    /// that separator. The third fraction word's first non-digit is where the number ends, so
    /// no separate scan is needed. Nil for any other token.
    @inline(__always)
    private func shortestFormNumber(at start: Int) -> (Double, Int)? {
        let negative = base[start] == UInt8(ascii: "-")
        let integerStart = start &+ (negative ? 1 : 0)
        let leading = UInt64(base[integerStart] &- UInt8(ascii: "0"))
        guard leading < 10, base[integerStart &+ 1] == UInt8(ascii: ".") else { return nil }
        let fractionStart = integerStart &+ 2
        let first = loadWord(at: fractionStart)
        let second = loadWord(at: fractionStart &+ 8)
        let secondNotDigits = Self.notDigitBytes(second)
        if secondNotDigits != 0 {
            return shorterFormNumber(leading, first, second, secondNotDigits, at: start, negative: negative)
        }
        let third = loadWord(at: fractionStart &+ 16)
        let tail = Self.notDigitBytes(third).trailingZeroBitCount >> 3
        let end = fractionStart &+ 16 &+ tail
        let separator = base[end]
        guard Self.notDigitBytes(first) == 0, tail <= (leading == 0 ? 3 : 2),
            separator == UInt8(ascii: ",") || separator == UInt8(ascii: "]"), end &- start <= limits.maxNumberLength
        else { return nil }
        let sixteen =
            leading &* 10_000_000_000_000_000 &+ Self.valueOfEightDigits(first) &* 100_000_000
            &+ Self.valueOfEightDigits(second)
        let mantissa = sixteen &* DoubleText.powersOfTen[tail] &+ Self.valueOfLeadingDigits(third, count: tail)
        return (
            DecimalToDouble.convertFraction(mantissa: mantissa, fractionDigits: 16 &+ tail, negative: negative), end
        )
    }

    /// `shortestFormNumber` for 9 to 15 fraction digits (a shortest double with 15 or fewer
    /// significant digits, about one in ten of a tensor's): the second fraction word ends the
    /// number. The mantissa has at most 16 digits, so it is exact.
    @inline(never)
    private func shorterFormNumber(
        _ leading: UInt64, _ first: UInt64, _ second: UInt64, _ secondNotDigits: UInt64, at start: Int, negative: Bool
    ) -> (Double, Int)? {
        let tail = secondNotDigits.trailingZeroBitCount >> 3  // fraction digits past the 8th
        let fractionStart = start &+ (negative ? 3 : 2)
        let end = fractionStart &+ 8 &+ tail
        let separator = base[end]
        guard Self.notDigitBytes(first) == 0, tail >= 1,
            separator == UInt8(ascii: ",") || separator == UInt8(ascii: "]")
        else { return nil }
        let eight = leading &* 100_000_000 &+ Self.valueOfEightDigits(first)
        let mantissa = eight &* DoubleText.powersOfTen[tail] &+ Self.valueOfLeadingDigits(second, count: tail)
        return (DecimalToDouble.convertFraction(mantissa: mantissa, fractionDigits: 8 &+ tail, negative: negative), end)
    }
}
