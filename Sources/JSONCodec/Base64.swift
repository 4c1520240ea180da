/// Why a base64 text was refused, and the byte offset of the offending character.
public struct Base64Error: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }
    public var description: String { "\(message) at byte \(offset)" }
}

/// RFC 4648 §4 base64 (standard alphabet `A-Z a-z 0-9 + /`, `=` padding), table-driven.
///
/// Decoding is strict: the length must be a multiple of 4, `=` may only end the text (at most
/// two), the bits that padding leaves over must be zero (§3.5, canonical encoding), and no other
/// byte, whitespace or line break included, is accepted.
public enum Base64 {
    static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    /// Each byte's 6-bit value, or 0xFF for a byte outside the alphabet.
    static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for i in 0..<64 { table[Int(alphabet.utf8Start[i])] = UInt8(i) }
        return table
    }()

    /// The encoded text of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        String(decoding: encodeToASCII(bytes), as: UTF8.self)
    }

    /// The encoded text of `bytes` as ASCII bytes (for writing straight into a JSON body).
    public static func encodeToASCII(_ bytes: [UInt8]) -> [UInt8] {
        let outputCount = (bytes.count + 2) / 3 * 4
        return [UInt8](unsafeUninitializedCapacity: outputCount) { output, initialized in
            bytes.withUnsafeBufferPointer { encode($0, into: output.baseAddress!) }
            initialized = outputCount
        }
    }

    /// Writes the `(input.count + 2) / 3 * 4` characters of `input`'s encoding at `output`.
    static func encode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) {
        let symbols = alphabet.utf8Start
        var i = 0
        var o = 0
        while i + 3 <= input.count {
            let group = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            output[o] = symbols[Int(group >> 18)]
            output[o + 1] = symbols[Int(group >> 12 & 63)]
            output[o + 2] = symbols[Int(group >> 6 & 63)]
            output[o + 3] = symbols[Int(group & 63)]
            i += 3
            o += 4
        }
        let rest = input.count - i
        guard rest > 0 else { return }
        let group = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
        output[o] = symbols[Int(group >> 18)]
        output[o + 1] = symbols[Int(group >> 12 & 63)]
        output[o + 2] = rest == 2 ? symbols[Int(group >> 6 & 63)] : UInt8(ascii: "=")
        output[o + 3] = UInt8(ascii: "=")
    }

    /// The bytes `text` encodes.
    public static func decode(_ text: String) throws(Base64Error) -> [UInt8] {
        var text = text
        let result = text.withUTF8 { utf8 in Result { () throws(Base64Error) in try decode(utf8) } }
        return try result.get()
    }

    /// The bytes that the ASCII characters in `input` encode.
    public static func decode(_ input: UnsafeBufferPointer<UInt8>) throws(Base64Error) -> [UInt8] {
        guard input.count % 4 == 0 else {
            throw Base64Error(message: "base64 length \(input.count) is not a multiple of 4", offset: input.count)
        }
        let padding =
            input.count == 0
            ? 0
            : (input[input.count - 1] == UInt8(ascii: "=") ? 1 : 0)
                + (input.count >= 2 && input[input.count - 2] == UInt8(ascii: "=") ? 1 : 0)
        let outputCount = input.count / 4 * 3 - padding
        var failure: Base64Error? = nil
        let output = [UInt8](unsafeUninitializedCapacity: outputCount) { output, initialized in
            failure = decodeTable.withUnsafeBufferPointer { table in
                decode(input, padding: padding, table: table.baseAddress!, into: output.baseAddress)
            }
            initialized = failure == nil ? outputCount : 0
        }
        if let failure { throw failure }
        return output
    }

    /// Full groups four characters at a time (an OR of the four table values flags any invalid
    /// one), then the last group with its padding.
    private static func decode(
        _ input: UnsafeBufferPointer<UInt8>, padding: Int, table: UnsafePointer<UInt8>,
        into output: UnsafeMutablePointer<UInt8>?
    ) -> Base64Error? {
        guard input.count > 0, let output else { return nil }
        let fullGroups = input.count / 4 - (padding > 0 ? 1 : 0)
        var o = 0
        for g in 0..<fullGroups {
            let i = 4 * g
            let a = table[Int(input[i])]
            let b = table[Int(input[i + 1])]
            let c = table[Int(input[i + 2])]
            let d = table[Int(input[i + 3])]
            if (a | b | c | d) & 0xC0 != 0 { return invalidCharacter(in: input, from: i) }
            let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
            output[o] = UInt8(truncatingIfNeeded: group >> 16)
            output[o + 1] = UInt8(truncatingIfNeeded: group >> 8)
            output[o + 2] = UInt8(truncatingIfNeeded: group)
            o += 3
        }
        guard padding > 0 else { return nil }
        return decodePaddedGroup(input, padding: padding, table: table, into: output + o)
    }

    /// `xx==` (one byte) or `xxx=` (two bytes); the bits the padding leaves over must be zero.
    private static func decodePaddedGroup(
        _ input: UnsafeBufferPointer<UInt8>, padding: Int, table: UnsafePointer<UInt8>,
        into output: UnsafeMutablePointer<UInt8>
    ) -> Base64Error? {
        let i = input.count - 4
        let a = table[Int(input[i])]
        let b = table[Int(input[i + 1])]
        let c = padding == 1 ? table[Int(input[i + 2])] : 0
        if (a | b | c) & 0xC0 != 0 { return invalidCharacter(in: input, from: i) }
        let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
        if (padding == 2 && b & 0x0F != 0) || (padding == 1 && c & 0x03 != 0) {
            return Base64Error(message: "non-zero bits before base64 padding", offset: i + 3 - padding)
        }
        output[0] = UInt8(truncatingIfNeeded: group >> 16)
        if padding == 1 { output[1] = UInt8(truncatingIfNeeded: group >> 8) }
        return nil
    }

    private static func invalidCharacter(in input: UnsafeBufferPointer<UInt8>, from start: Int) -> Base64Error {
        var offset = start
        while offset < input.count && decodeTable[Int(input[offset])] != 0xFF { offset += 1 }
        let byte = input[offset]
        let what =
            byte == UInt8(ascii: "=") ? "'=' before the end" : "invalid base64 character \(JSONScanner.describe(byte))"
        return Base64Error(message: byte == UInt8(ascii: "=") ? "padding \(what)" : what, offset: offset)
    }
}
