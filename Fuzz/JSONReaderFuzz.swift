import JSONCodec

/// libFuzzer entry for the JSON reader: any bytes must either parse or throw `JSONParseError`
/// (never trap, never touch memory out of bounds: the harness runs under AddressSanitizer).
/// Whatever parses and holds only finite numbers must survive a write/parse round trip unchanged.
/// The row reader (Sources/JSONCodec/JSONScanner+NumberRows.swift) runs only where enough bytes
/// follow a number, so the input is also read with trailing spaces (which JSON ignores), where it
/// runs everywhere: both reads must give the same value, or the same error (whose offset only the
/// end of input moves).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    checkPaddingInvariance(bytes)
    guard let value = try? parseJSON(bytes), isFinite(value) else { return 0 }
    var writer = JSONWriter()
    writer.value(value)
    guard let again = try? parseJSON(writer.bytes), again == value else {
        fatalError("round trip changed the value of \(String(decoding: bytes, as: UTF8.self))")
    }
    return 0
}

/// False when a number is NaN or infinite (`1e999` parses to infinity; the writer refuses it).
private func isFinite(_ value: JSONValue) -> Bool {
    switch value {
    case .number(let x): x.isFinite
    case .numbers(let xs): xs.allSatisfy(\.isFinite)
    case .numberBlock(let block): block.data.allSatisfy(\.isFinite)
    case .array(let items): items.allSatisfy(isFinite)
    case .object(let object): object.members.allSatisfy { isFinite($0.value) }
    default: true
    }
}

private func checkPaddingInvariance(_ bytes: [UInt8]) {
    let padded = bytes + [UInt8](repeating: 0x20, count: 64)
    switch (
        Result { () throws(JSONParseError) in try parseJSON(bytes) },
        Result { () throws(JSONParseError) in try parseJSON(padded) }
    ) {
    case (.success(let plain), .success(let withPadding)):
        if plain != withPadding {
            fatalError("trailing spaces changed the value of \(String(decoding: bytes, as: UTF8.self))")
        }
    case (.failure(let plain), .failure(let withPadding)):
        if plain.message != withPadding.message || (plain.offset < bytes.count && plain.offset != withPadding.offset) {
            fatalError("trailing spaces changed the error \(plain) to \(withPadding)")
        }
    default:
        fatalError("trailing spaces changed whether \(String(decoding: bytes, as: UTF8.self)) parses")
    }
}
