import Testing

@testable import JSONCodec

@Test func escapes_decode() throws {
    #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
    #expect(try parse(#""\u0041\u00e9\u20AC\u0000""#) == .string("Aé€\u{0}"))
    #expect(try parse(#""\uD83D\uDE00!""#) == .string("😀!"))
}

@Test func utf8Text_passesThrough() throws {
    #expect(try parse("\"héllo €😀\"") == .string("héllo €😀"))
    #expect(try parse("{\"ключ\": 1}").objectValue?["ключ"] == .number(1))
}

@Test(arguments: [
    (#""\uD800""#, "lone high surrogate \\uD800 in string", 1),
    (#""\uDC00x""#, "lone low surrogate \\uDC00 in string", 1),
    (#""\uD800\u0041""#, "high surrogate \\uD800 not followed by a low surrogate", 7),
    (#""\uD800\n""#, "lone high surrogate \\uD800 in string", 1),
    (#""\u12G4""#, "expected 4 hex digits after \\u", 5),
])
func badEscape_rejected(text: String, message: String, offset: Int) {
    let error = parseError(text)
    #expect(error?.message == message)
    #expect(error?.offset == offset)
}

/// RFC 3629 §4: ill-formed sequences inside a string (after `"a`, so at byte 2).
@Test(
    arguments: [
        ([0xC0, 0xAF], "overlong"), ([0xE0, 0x80, 0xAF], "overlong"), ([0xF0, 0x80, 0x80, 0xAF], "overlong"),
        ([0xED, 0xA0, 0x80], "surrogate"), ([0xED, 0xBF, 0xBF], "surrogate"),
        ([0xF4, 0x90, 0x80, 0x80], "U+10FFFF"), ([0xF5, 0x80, 0x80, 0x80], "cannot start"),
        ([0xC3], "truncated"), ([0xE2, 0x82], "truncated"), ([0xF0, 0x9F, 0x98], "truncated"),
        ([0x80], "continuation"), ([0xFF], "cannot start"), ([0xC3, 0x41], "truncated"),
    ] as [([UInt8], String)])
func invalidUTF8_rejectedAtItsOffset(sequence: [UInt8], problem: String) {
    let error = parseError([0x22, 0x61] + sequence + [0x22])
    #expect(error?.offset == 2)
    #expect(error?.message.contains(problem) == true, "\(String(describing: error))")
}

@Test func validMultibyteBoundaries_accepted() throws {
    let edges: [[UInt8]] = [
        [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF],
        [0xEE, 0x80, 0x80], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
    ]
    for edge in edges {
        let value = try parseJSON([0x22] + edge + [0x22])
        #expect(Array(value.stringValue!.utf8) == edge)
    }
}

@Test func controlCharacters_mustBeEscaped() {
    #expect(parseError("\"a\u{0A}b\"")?.offset == 2)
    #expect(parseError("\"a\u{1F}\"")?.message == "control character byte 0x1F must be escaped in a string")
    #expect(parseError("\"\u{7F}\"") == nil, "DEL is not a control character in JSON")
}
