/// A cursor over the bytes of one JSON document: whitespace, literals and error construction.
/// The string and number tokens live in `JSONScanner+Strings.swift` and `JSONScanner+Numbers.swift`.
///
/// The bytes must stay valid while the scanner is used (it is created inside
/// `withUnsafeBufferPointer`).
struct JSONScanner {
    let base: UnsafePointer<UInt8>
    let count: Int
    let limits: JSONLimits
    /// Offset of the next unread byte.
    var position = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>, limits: JSONLimits) {
        // An empty buffer may have a nil base address; any valid pointer works with count 0.
        self.base = buffer.baseAddress ?? UnsafePointer(bitPattern: 8)!
        self.count = buffer.count
        self.limits = limits
    }

    var isAtEnd: Bool { position >= count }

    /// The byte at `offset`, or 0 past the end (0 is never valid where it is tested).
    @inline(__always)
    func byte(at offset: Int) -> UInt8 { offset < count ? base[offset] : 0 }

    @inline(__always)
    var current: UInt8 { byte(at: position) }

    /// Skips the four whitespace bytes of RFC 8259 §2: space, tab, line feed, carriage return.
    @inline(__always)
    mutating func skipWhitespace() {
        while position < count {
            switch base[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// Consumes `literal` (`true`, `false`, `null`) at the current position.
    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let length = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        for i in 0..<length where byte(at: position + i) != expected[i] {
            throw error("invalid literal, expected '\(literal)'", at: position)
        }
        position += length
    }

    /// An error at `offset`, naming the end of input when the offset is past it.
    func error(_ message: String, at offset: Int) -> JSONParseError {
        JSONParseError(message: message, offset: offset)
    }

    /// "expected X" at the current position, saying what was found instead.
    func unexpected(_ expected: String) -> JSONParseError {
        if isAtEnd { return error("unexpected end of input, \(expected)", at: position) }
        return error("\(expected), found \(Self.describe(current))", at: position)
    }

    /// A byte as an error message shows it: `'x'` for printable ASCII, `byte 0xC3` otherwise.
    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count < 2 ? "0" + hex : hex)"
    }
}
