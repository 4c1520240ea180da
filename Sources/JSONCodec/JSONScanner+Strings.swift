/// String tokens (RFC 8259 §7) and UTF-8 validation (RFC 3629 §4).
extension JSONScanner {
    /// Reads a string token starting at the opening quote. Plain ASCII without escapes takes a
    /// single scan; anything else is decoded byte by byte into a buffer.
    mutating func readString() throws(JSONParseError) -> String {
        let open = position
        var p = position + 1
        while p < count {
            let c = base[p]
            if c == UInt8(ascii: "\"") {
                position = p + 1
                return String(decoding: UnsafeBufferPointer(start: base + open + 1, count: p - open - 1), as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { break }
            p += 1
        }
        var decoded = Array(UnsafeBufferPointer(start: base + open + 1, count: p - open - 1))
        position = p
        try readStringTail(into: &decoded, open: open)
        return String(decoding: decoded, as: UTF8.self)
    }

    /// Decodes escapes and validates UTF-8 up to and including the closing quote.
    private mutating func readStringTail(into decoded: inout [UInt8], open: Int) throws(JSONParseError) {
        while true {
            guard position < count else { throw error("unterminated string (opened at byte \(open))", at: position) }
            let c = base[position]
            switch c {
            case UInt8(ascii: "\""):
                position += 1
                return
            case UInt8(ascii: "\\"):
                try readEscape(into: &decoded)
            case 0..<0x20:
                throw error("control character \(Self.describe(c)) must be escaped in a string", at: position)
            case 0x80...:
                let length = try utf8SequenceLength(at: position)
                decoded.append(contentsOf: UnsafeBufferPointer(start: base + position, count: length))
                position += length
            default:
                decoded.append(c)
                position += 1
            }
        }
    }

    /// One escape sequence (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX`); a UTF-16
    /// surrogate must come as a high-low pair (`\uD83D\uDE00`), a lone one is an error.
    private mutating func readEscape(into decoded: inout [UInt8]) throws(JSONParseError) {
        let start = position
        let simple: UInt8
        switch byte(at: position + 1) {
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "/"): simple = 0x2F
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"):
            position += 2
            let scalar = try readUnicodeEscape(escapeStart: start)
            decoded.append(contentsOf: UTF8.encode(scalar)!)
            return
        default:
            throw error("invalid escape sequence in string", at: start)
        }
        decoded.append(simple)
        position += 2
    }

    /// The scalar of `XXXX` (just after `\u`), joining a surrogate pair.
    private mutating func readUnicodeEscape(escapeStart: Int) throws(JSONParseError) -> Unicode.Scalar {
        let first = try readHex4()
        switch first {
        case 0xD800...0xDBFF:
            guard byte(at: position) == UInt8(ascii: "\\"), byte(at: position + 1) == UInt8(ascii: "u") else {
                throw error("lone high surrogate \\u\(hex4(first)) in string", at: escapeStart)
            }
            let secondStart = position
            position += 2
            let second = try readHex4()
            guard (0xDC00...0xDFFF).contains(second) else {
                throw error("high surrogate \\u\(hex4(first)) not followed by a low surrogate", at: secondStart)
            }
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
        case 0xDC00...0xDFFF:
            throw error("lone low surrogate \\u\(hex4(first)) in string", at: escapeStart)
        default:
            return Unicode.Scalar(first)!
        }
    }

    private mutating func readHex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<4 {
            let c = byte(at: position + i)
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw error("expected 4 hex digits after \\u", at: position + i)
            }
            value = value << 4 | UInt32(digit)
        }
        position += 4
        return value
    }

    private func hex4(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// The length (2-4) of the well-formed UTF-8 sequence at `offset` (RFC 3629 §4): no overlong
    /// forms, no encoded surrogates (U+D800-DFFF), nothing above U+10FFFF, not truncated.
    func utf8SequenceLength(at offset: Int) throws(JSONParseError) -> Int {
        let lead = base[offset]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            secondRange = 0xA0...0xBF
        case 0xED:
            length = 3
            secondRange = 0x80...0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0:
            length = 4
            secondRange = 0x90...0xBF
        case 0xF4:
            length = 4
            secondRange = 0x80...0x8F
        case 0xF1...0xF3: length = 4
        case 0xC0, 0xC1: throw error("invalid UTF-8: overlong encoding", at: offset)
        case 0x80...0xBF: throw error("invalid UTF-8: unexpected continuation byte", at: offset)
        default: throw error("invalid UTF-8: byte \(Self.describe(lead)) cannot start a character", at: offset)
        }
        guard secondRange.contains(byte(at: offset + 1)) else {
            throw error(Self.secondByteProblem(lead: lead, second: byte(at: offset + 1)), at: offset)
        }
        for i in 2..<length where !(0x80...0xBF).contains(byte(at: offset + i)) {
            throw error("invalid UTF-8: truncated sequence", at: offset)
        }
        return length
    }

    /// Why a lead byte's second byte is wrong: a continuation byte outside the lead's range
    /// means an overlong form, a surrogate or a code point past U+10FFFF; anything else, truncation.
    private static func secondByteProblem(lead: UInt8, second: UInt8) -> String {
        guard (0x80...0xBF).contains(second) else { return "invalid UTF-8: truncated sequence" }
        switch lead {
        case 0xED: return "invalid UTF-8: encoded surrogate (U+D800-U+DFFF)"
        case 0xF4: return "invalid UTF-8: code point above U+10FFFF"
        default: return "invalid UTF-8: overlong encoding"
        }
    }
}
