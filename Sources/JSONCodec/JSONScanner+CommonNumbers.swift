/// The number shape tensors are made of, `-?d{1,7}(.d{1,19})?` not followed by an exponent, read
/// eight bytes at a time with no per-digit branch. Anything else (exponents, long mantissas,
/// malformed tokens, the last 48 bytes of the document) returns nil and the general reader in
/// JSONScanner+Numbers.swift starts over on the same bytes, so both accept exactly RFC 8259 §6.
extension JSONScanner {
    /// Bytes the common reader may load past a number's start: sign, 7 integer digits, the point,
    /// and three 8-byte words of fraction.
    static let commonNumberReach = 48

    @inline(__always)
    mutating func readCommonNumber() -> Double? {
        let start = position
        guard start &+ Self.commonNumberReach <= count else { return nil }
        let negative = base[start] == UInt8(ascii: "-")
        var p = start &+ (negative ? 1 : 0)
        let integerWord = loadWord(at: p)
        let integerCount = Self.leadingDigitCount(integerWord)
        // 1...7 digits, and a leading 0 only as the whole integer part.
        guard integerCount >= 1, integerCount <= 7, integerCount == 1 || base[p] != UInt8(ascii: "0") else {
            return nil
        }
        var mantissa = Self.valueOfLeadingDigits(integerWord, count: integerCount)
        let integerSignificant = mantissa == 0 ? 0 : integerCount
        p &+= integerCount
        var exponent = 0
        if base[p] == UInt8(ascii: ".") {
            let fractionStart = p &+ 1
            var q = fractionStart
            var word = loadWord(at: q)
            var digits = Self.leadingDigitCount(word)
            while digits == 8 {
                mantissa = mantissa &* 100_000_000 &+ Self.valueOfEightDigits(word)
                q &+= 8
                if q &- fractionStart == 24 { return nil }
                word = loadWord(at: q)
                digits = Self.leadingDigitCount(word)
            }
            mantissa = mantissa &* DoubleText.powersOfTen[digits] &+ Self.valueOfLeadingDigits(word, count: digits)
            q &+= digits
            let fractionCount = q &- fractionStart
            // A digit after the point, and at most 19 significant digits (so `mantissa` is exact).
            guard fractionCount > 0, integerSignificant &+ fractionCount <= 19 else { return nil }
            exponent = -fractionCount
            p = q
        }
        guard base[p] | 0x20 != UInt8(ascii: "e"), p &- start <= limits.maxNumberLength else { return nil }
        position = p
        return DecimalToDouble.convert(mantissa: mantissa, exponent: exponent, negative: negative)
    }

    @inline(__always)
    func loadWord(at offset: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self))
    }

    /// How many of the 8 bytes of `word` (first byte lowest) are ASCII digits before the first
    /// non-digit (8 if all are). After `^ 0x30` a digit byte is 0...9; adding 0x76 to its low
    /// 7 bits sets bit 7 exactly for 10...127 (no carry leaves a byte), and bit 7 of the byte
    /// itself catches 128...255.
    @inline(__always)
    static func leadingDigitCount(_ word: UInt64) -> Int {
        notDigitBytes(word).trailingZeroBitCount >> 3
    }

    /// 0x80 in each byte of `word` that is not an ASCII digit, 0 in the others.
    @inline(__always)
    static func notDigitBytes(_ word: UInt64) -> UInt64 {
        let x = word ^ 0x3030_3030_3030_3030
        return (((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | x) & 0x8080_8080_8080_8080
    }

    /// The value of the first `count` (0...8) bytes of `word`, which are ASCII digits: they move
    /// to the top of the word behind `count - 8` ASCII zeros, and the eight are folded as one.
    @inline(__always)
    static func valueOfLeadingDigits(_ word: UInt64, count: Int) -> UInt64 {
        let kept = UInt64(truncatingIfNeeded: 8 &* count)
        let aligned = (word << (64 &- kept)) | (0x3030_3030_3030_3030 >> kept)
        return valueOfEightDigits(aligned)
    }
}
