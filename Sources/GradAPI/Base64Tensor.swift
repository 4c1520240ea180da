import JSONCodec

/// The `{"shape", "base64", "dtype"?}` tensor form: little-endian float64 bytes, or float32 bytes
/// widened exactly to float64 before any arithmetic.
enum Base64Tensor {
    static func decode(_ value: JSONValue, count: Int, shape: [Int], float32: Bool, at path: JSONPath) throws -> [Double] {
        guard case .string(let text) = value else { throw APIError.wrongType(at: path, expected: "a base64 string", found: value) }
        let bytes: [UInt8]
        do { bytes = try Base64.decode(text) } catch {
            throw APIError.invalid("invalid_base64", "\(path) is not base64: \(error.reason) at character \(error.offset)", at: path)
        }
        let width = float32 ? 4 : 8
        guard bytes.count == count * width else {
            let dtype = float32 ? "float32" : "float64"
            throw APIError.invalid(
                "shape_mismatch", "\(path) holds \(bytes.count) bytes; shape \(shape) in \(dtype) needs \(count * width)", at: path)
        }
        let values = float32 ? widenFloat32(bytes) : readFloat64(bytes)
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw APIError.invalid(
                "non_finite_number", "\(path) holds \(values[bad]) at element \(bad); tensors must be finite", at: path)
        }
        return values
    }

    private static func readFloat64(_ bytes: [UInt8]) -> [Double] {
        (0..<bytes.count / 8).map { i in
            var bits: UInt64 = 0
            for k in 0..<8 { bits |= UInt64(bytes[8 * i + k]) << UInt64(8 * k) }
            return Double(bitPattern: bits)
        }
    }

    private static func widenFloat32(_ bytes: [UInt8]) -> [Double] {
        (0..<bytes.count / 4).map { i in
            var bits: UInt32 = 0
            for k in 0..<4 { bits |= UInt32(bytes[4 * i + k]) << UInt32(8 * k) }
            return Double(Float(bitPattern: bits))
        }
    }
}
