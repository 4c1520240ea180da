import Testing

@testable import JSONCodec

@Test func writerInsertsCommasAndEscapes() {
    var w = JSONWriter()
    w.beginObject()
    w.key("a\"b")
    w.numbers([0.1, -0.0, 2])
    w.key("c")
    w.null()
    w.endObject()
    #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"a\"b":[0.1,-0.0,2.0],"c":null}"#)
}

@Test func writerEscapesControlsAndKeepsUnicode() throws {
    let text = "\u{0}\u{1F}\n\r\t\"\\/é😀 end"
    var w = JSONWriter()
    w.string(text)
    #expect(String(decoding: w.bytes, as: UTF8.self) == #""\u0000\u001f\n\r\t\"\\/é😀 end""#)
    #expect(try parseJSON(w.bytes) == .string(text))
}
