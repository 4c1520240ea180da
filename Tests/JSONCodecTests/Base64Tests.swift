import TestSupport
import Testing

@testable import JSONCodec

/// RFC 4648 §10 test vectors.
@Test(arguments: [
    ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
    ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
])
func rfc4648Vectors_encodeAndDecode(plain: String, encoded: String) throws {
    #expect(Base64.encode(Array(plain.utf8)) == encoded)
    #expect(try Base64.decode(encoded) == Array(plain.utf8))
}

@Test func allByteValues_roundTrip() throws {
    var rng = SplitMix64(state: 99)
    for length in 0..<70 {
        let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        #expect(try Base64.decode(Base64.encode(bytes)) == bytes)
    }
    let everyByte = (0...255).map(UInt8.init)
    #expect(try Base64.decode(Base64.encode(everyByte)) == everyByte)
    #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
}

/// Strict decoding: each text is refused at the given character offset.
@Test(arguments: [
    ("Zg=", 3), ("Zg", 2), ("Z===", 1), ("Zh==", 1), ("Zm9=", 2), ("Zm9v\n", 5), ("Zm 9v", 5),
    ("Zm9v Zm9v", 9), ("Zm9-", 3), ("Zm9_", 3), ("=Zm9", 0), ("Zm=v", 2), ("Zg==Zg==", 2),
    ("Zm9v\r\nZm9v", 10), ("Zm9vYm\u{00E9}", 6),
])
func malformedText_rejected(text: String, offset: Int) {
    #expect(throws: Base64Error.self) { try Base64.decode(text) }
    do { _ = try Base64.decode(text) } catch { #expect(error.offset == offset, "\(text.debugDescription): \(error)") }
}

@Test func float64Bytes_areLittleEndianIEEE() throws {
    #expect(Base64.float64Bytes([1.0]) == [0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
    #expect(Base64.encodeFloat64([1.0]) == "AAAAAAAA8D8=")
    let values: [Double] = [0, -0.0, 0.1, -2.5e-308, 5e-324, .greatestFiniteMagnitude, 1e300, -7]
    let decoded = try Base64.decodeFloat64(Base64.encodeFloat64(values))
    #expect(decoded.map(\.bitPattern) == values.map(\.bitPattern))
}

@Test func float32Values_widenExactly() throws {
    #expect(try Base64.decodeFloat32("AADAPw==") == [1.5])
    let floats: [Float] = [0.1, -3.25, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
    var bytes: [UInt8] = []
    for f in floats { withUnsafeBytes(of: f.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    #expect(try Base64.float32Values(littleEndian: bytes) == floats.map(Double.init))
    #expect(try Base64.decodeFloat32(Base64.encode(bytes))[0] == 0.10000000149011612)
}

@Test func wrongByteCounts_rejected() {
    #expect(throws: Base64Error.self) { try Base64.float64Values(littleEndian: [1, 2, 3, 4]) }
    #expect(throws: Base64Error.self) { try Base64.float32Values(littleEndian: [1, 2, 3]) }
    #expect(throws: Base64Error.self) { try Base64.decodeFloat64("AAAAAA==") }
}

@Test func writerBase64Float64_writesQuotedString() throws {
    var writer = JSONWriter()
    writer.beginArray()
    writer.base64Float64([1.0])
    writer.base64Float64([])
    writer.endArray()
    #expect(String(decoding: writer.bytes, as: UTF8.self) == #"["AAAAAAAA8D8=",""]"#)
}
