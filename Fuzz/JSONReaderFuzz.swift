import JSONCodec

/// libFuzzer entry for the JSON reader: any bytes must either parse or throw `JSONParseError`
/// (never trap, never touch memory out of bounds: the harness runs under AddressSanitizer).
/// Whatever parses and holds only finite numbers must survive a write/parse round trip unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
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
    case .array(let items): items.allSatisfy(isFinite)
    case .object(let object): object.members.allSatisfy { isFinite($0.value) }
    default: true
    }
}
