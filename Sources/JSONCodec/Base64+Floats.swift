/// Little-endian IEEE-754 bytes to and from `[Double]`, and their base64 form.
extension Base64 {
    /// The doubles in `bytes`, 8 little-endian bytes each (IEEE-754 binary64).
    public static func float64Values(littleEndian bytes: [UInt8]) throws(Base64Error) -> [Double] {
        guard bytes.count % 8 == 0 else {
            throw Base64Error(
                message: "\(bytes.count) bytes is not a whole number of float64 values (8 bytes each)",
                offset: bytes.count)
        }
        let count = bytes.count / 8
        return [Double](unsafeUninitializedCapacity: count) { values, initialized in
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    values[i] = Double(
                        bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
                }
            }
            initialized = count
        }
    }

    /// The floats in `bytes`, 4 little-endian bytes each (IEEE-754 binary32), widened exactly.
    public static func float32Values(littleEndian bytes: [UInt8]) throws(Base64Error) -> [Double] {
        guard bytes.count % 4 == 0 else {
            throw Base64Error(
                message: "\(bytes.count) bytes is not a whole number of float32 values (4 bytes each)",
                offset: bytes.count)
        }
        let count = bytes.count / 4
        return [Double](unsafeUninitializedCapacity: count) { values, initialized in
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                    values[i] = Double(Float(bitPattern: bits))
                }
            }
            initialized = count
        }
    }

    /// `values` as little-endian binary64 bytes, 8 per value.
    public static func float64Bytes(_ values: [Double]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: values.count * 8) { bytes, initialized in
            let raw = UnsafeMutableRawBufferPointer(bytes)
            for (i, value) in values.enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: 8 * i, as: UInt64.self)
            }
            initialized = values.count * 8
        }
    }

    /// Decodes base64 text holding little-endian float64 values.
    public static func decodeFloat64(_ text: String) throws(Base64Error) -> [Double] {
        try float64Values(littleEndian: decode(text))
    }

    /// Decodes base64 text holding little-endian float32 values, widened exactly to double.
    public static func decodeFloat32(_ text: String) throws(Base64Error) -> [Double] {
        try float32Values(littleEndian: decode(text))
    }

    /// The base64 text of `values` as little-endian float64 bytes.
    public static func encodeFloat64(_ values: [Double]) -> String {
        encode(float64Bytes(values))
    }
}

extension JSONWriter {
    /// A JSON string holding the base64 of `values` as little-endian float64 bytes, written
    /// straight into the buffer (the `"base64"` tensor form).
    public mutating func base64Float64(_ values: [Double]) {
        let bytes = Base64.float64Bytes(values)
        separate()
        var quoted = [UInt8](repeating: UInt8(ascii: "\""), count: (bytes.count + 2) / 3 * 4 + 2)
        quoted.withUnsafeMutableBufferPointer { output in
            bytes.withUnsafeBufferPointer { Base64.encode($0, into: output.baseAddress! + 1) }
        }
        appendBytes(quoted, count: quoted.count)
        finishValue()
    }
}
