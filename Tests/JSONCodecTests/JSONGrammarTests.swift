import Testing

@testable import JSONCodec

/// RFC 8259 grammar: documents that must parse, with the value they give.
@Test(arguments: [
    ("null", JSONValue.null),
    (" true ", .bool(true)),
    ("\t\r\nfalse\n", .bool(false)),
    ("0", .number(0)),
    ("-12.5e-1", .number(-1.25)),
    ("\"hi\"", .string("hi")),
    ("[]", .array([])),
    ("[ ]", .array([])),
    ("{}", .object(JSONObject())),
    ("[1, 2 ,3]", .numbers([1, 2, 3])),
    ("[1, \"a\"]", .array([.number(1), .string("a")])),
    ("[\"a\", 1]", .array([.string("a"), .number(1)])),
    ("[[1], []]", .array([.numbers([1]), .array([])])),
    ("[1, [2]]", .array([.number(1), .numbers([2])])),
    (
        "{\"a\": [1.5], \"b\": {\"c\": null}}",
        .object(JSONObject([("a", .numbers([1.5])), ("b", .object(JSONObject([("c", .null)])))]))
    ),
])
func validDocument_parsesToValue(text: String, expected: JSONValue) throws {
    #expect(try parse(text) == expected)
}

/// Documents that must be refused, with the byte offset the error names.
@Test(arguments: [
    ("", 0), ("   ", 3), ("[", 1), ("[1", 2), ("[1,]", 3), ("[1 2]", 3), ("{\"a\" 1}", 5),
    ("{\"a\":1,}", 7), ("{a:1}", 1), ("{\"a\":1 \"b\":2}", 7), ("[1]x", 3), ("[1] [2]", 4),
    ("NaN", 0), ("Infinity", 0), ("-Infinity", 1), ("[nul]", 1), ("tru", 0), ("01", 0), ("-01", 0),
    ("+1", 0), (".5", 0), ("1.", 2), ("1.e5", 2), ("1e", 2), ("1e+", 3), ("-", 1), ("[1,,2]", 3),
    ("{\"a\":1,\"a\":2}", 7), ("\"abc", 4), ("[\"a\\x\"]", 3), ("\"\u{01}\"", 1), ("[1}", 2), ("{\"a\":1]", 6),
    ("\u{FEFF}1", 0), ("'a'", 0), ("[0x10]", 2),
])
func invalidDocument_reportsOffset(text: String, offset: Int) {
    let error = parseError(text)
    #expect(error?.offset == offset, "\(text.debugDescription): \(String(describing: error))")
}

@Test func errorMessage_namesExpectationAndOffset() {
    let error = parseError("[1, 2 3]")
    #expect(error?.description == "expected ',' or ']' after array element, found '3' at byte 6")
}

@Test func duplicateKeys_rejectedInLargeObjects() {
    let members = (0..<40).map { "\"k\($0)\": \($0)" }.joined(separator: ",")
    #expect(parseError("{\(members)}") == nil)
    #expect(parseError("{\(members), \"k17\": 1}")?.message == "duplicate key \"k17\" in object")
    #expect(parseError("{\"a\": {\"a\": 1}, \"b\": 2}") == nil, "the same key in different objects is fine")
}

@Test func objectMembers_keepDocumentOrder() throws {
    let object = try #require(try parse("{\"z\": 1, \"a\": 2, \"m\": 3}").objectValue)
    #expect(object.keys == ["z", "a", "m"])
    #expect(object["a"] == .number(2))
}

@Test func mixedArray_afterNumbersKeepsEveryElement() throws {
    #expect(try parse("[1, 2, null, 3]") == .array([.number(1), .number(2), .null, .number(3)]))
    #expect(try parse("[[1, 2], [3, [4]]]") == .array([.numbers([1, 2]), .array([.number(3), .numbers([4])])]))
}

@Test func borrowedBuffer_parsesWithoutCopy() throws {
    let body = Array("xx[1, 2]yy".utf8)
    let value = try body[2..<8].withUnsafeBufferPointer { try parseJSON($0) }
    #expect(value == .numbers([1, 2]))
    let error = body[2..<8].withUnsafeBufferPointer { buffer in
        Result { () throws(JSONParseError) in try parseJSON(UnsafeBufferPointer(rebasing: buffer[0..<5])) }
    }
    #expect(throws: JSONParseError.self) { try error.get() }
}
