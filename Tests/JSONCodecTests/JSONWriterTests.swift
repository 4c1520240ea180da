import Testing
@testable import JSONCodec

@Test func writerInsertsCommasAndEscapes() {
    var w = JSONWriter()
    w.beginObject(); w.key("a\"b"); w.numbers([0.1, -0.0, 2]); w.key("c"); w.null(); w.endObject()
    #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"a\"b":[0.1,-0.0,2.0],"c":null}"#)
}
