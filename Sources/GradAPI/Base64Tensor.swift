import JSONCodec

/// The `{"shape", "base64", "dtype"?}` tensor form: little-endian float64 bytes, or float32 bytes
/// widened exactly to float64 before any arithmetic.
enum Base64Tensor {
    static func decode(_ text: String, count: Int, shape: [Int], float32: Bool, at path: JSONPath) throws -> [Double] {
        let bytes: [UInt8]
        do { bytes = try Base64.decode(text) } catch {
            throw APIError.invalid(
                .invalidBase64, "\(path) is not base64 (RFC 4648): \(error.message) at character \(error.offset)",
                at: path)
        }
        let width = float32 ? 4 : 8
        guard bytes.count == count * width else {
            let dtype = float32 ? "float32" : "float64"
            throw APIError.invalid(
                .shapeMismatch, "\(path) holds \(bytes.count) bytes; shape \(shape) in \(dtype) needs \(count * width)",
                at: path)
        }
        // The length is a whole number of values, checked above, so these cannot throw.
        let values =
            (float32 ? try? Base64.float32Values(littleEndian: bytes) : try? Base64.float64Values(littleEndian: bytes))
            ?? []
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw APIError.invalid(
                .nonFiniteNumber, "\(path) holds \(values[bad]) at element \(bad); tensors must be finite", at: path)
        }
        return values
    }
}
