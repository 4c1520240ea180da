/// Checks that every number in a JSON text is written in shortest round-trip form: no more
/// significant digits than the shortest decimal that reads back as the same float64 (`0.1`, not
/// `0.1000000000000000055`). Swift's `description` of a Double is such a shortest form.
enum ShortestNumbers {
    /// The first number token that is longer than needed, or nil.
    static func firstOverlong(in bytes: [UInt8]) -> String? {
        for token in numberTokens(bytes) {
            guard let value = Double(token), value.isFinite else { return token }
            if significantDigits(token).count > significantDigits(value.description).count { return token }
        }
        return nil
    }

    /// The number tokens outside strings.
    static func numberTokens(_ bytes: [UInt8]) -> [String] {
        var tokens: [String] = []
        var index = 0
        var inString = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
                index += 1
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                index += 1
            } else if byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                let start = index
                while index < bytes.count, isNumberByte(bytes[index]) { index += 1 }
                tokens.append(String(decoding: bytes[start..<index], as: UTF8.self))
            } else {
                index += 1
            }
        }
        return tokens
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "-+.eE".utf8.contains(byte)
    }

    /// The mantissa's digits without leading or trailing zeros: `0.0100e5` -> `1`.
    static func significantDigits(_ token: String) -> String {
        let mantissa = token.prefix { $0 != "e" && $0 != "E" }
        let digits = mantissa.filter(\.isNumber)
        return String(digits.drop { $0 == "0" }.reversed().drop { $0 == "0" }.reversed())
    }
}
