/// Standard base64 (RFC 4648 §4), with `=` padding. Kept private to GradAPI until JSONCodec's lands.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The 6-bit value of each alphabet byte; 0xFF for bytes outside it.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(i) }
        return table
    }()

    /// Appends the encoding of `bytes` to `output`, padded to a multiple of 4 characters.
    static func encode(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        output.reserveCapacity(output.count + (bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let word = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            appendQuad(word, significant: 4, into: &output)
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            var word = UInt32(bytes[i]) << 16
            if rest == 2 { word |= UInt32(bytes[i + 1]) << 8 }
            appendQuad(word, significant: rest + 1, into: &output)
        }
    }

    private static func appendQuad(_ word: UInt32, significant: Int, into output: inout [UInt8]) {
        for k in 0..<4 {
            output.append(k < significant ? alphabet[Int((word >> UInt32(18 - 6 * k)) & 63)] : UInt8(ascii: "="))
        }
    }

    /// Why a string is not base64: the character offset at fault.
    struct DecodeError: Error { var offset: Int; var reason: String }

    /// Decodes padded or unpadded base64; whitespace and other characters are errors.
    static func decode(_ text: String) throws(DecodeError) -> [UInt8] {
        var input = Array(text.utf8)
        var padding = 0
        while input.last == UInt8(ascii: "="), padding < 2 { input.removeLast(); padding += 1 }
        if padding > 0, (input.count + padding) % 4 != 0 {
            throw DecodeError(offset: input.count, reason: "padding '=' where the length is not a multiple of 4")
        }
        if input.count % 4 == 1 { throw DecodeError(offset: input.count - 1, reason: "a length that leaves one stray character") }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3 + 2)
        var accumulator: UInt32 = 0
        var bits = 0
        for (offset, byte) in input.enumerated() {
            let value = values[Int(byte)]
            guard value != 0xFF else {
                throw DecodeError(offset: offset, reason: byte == UInt8(ascii: "=") ? "'=' before the end" : "a character outside the base64 alphabet")
            }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return output
    }
}
