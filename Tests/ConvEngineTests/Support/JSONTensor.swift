import Foundation

@testable import ConvEngine

/// Test-only reading of the contract's tensor forms from `JSONSerialization` values: nested arrays,
/// `{"shape", "data"}`, and `{"shape", "base64", "dtype"?}` (little-endian float64, or float32
/// widened exactly).
enum JSONTensor {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func decode(_ value: Any) throws -> Tensor {
        if let object = value as? [String: Any] { return try decodeObject(object) }
        if let number = value as? NSNumber { return Tensor(scalar: number.doubleValue) }
        guard let array = value as? [Any] else { throw Malformed(description: "not a tensor: \(value)") }
        var shape: [Int] = []
        var data: [Double] = []
        try flatten(array, depth: 0, shape: &shape, data: &data)
        return Tensor(shape: shape, data: data)
    }

    private static func flatten(_ array: [Any], depth: Int, shape: inout [Int], data: inout [Double]) throws {
        if shape.count == depth { shape.append(array.count) }
        guard shape[depth] == array.count else { throw Malformed(description: "ragged array") }
        for element in array {
            if let inner = element as? [Any] {
                try flatten(inner, depth: depth + 1, shape: &shape, data: &data)
            } else if let number = element as? NSNumber {
                data.append(number.doubleValue)
            } else {
                throw Malformed(description: "not a number: \(element)")
            }
        }
    }

    private static func decodeObject(_ object: [String: Any]) throws -> Tensor {
        guard let shape = (object["shape"] as? [NSNumber])?.map(\.intValue) else {
            throw Malformed(description: "tensor object without shape")
        }
        if let data = object["data"] as? [NSNumber] {
            return Tensor(shape: shape, data: data.map(\.doubleValue))
        }
        guard let text = object["base64"] as? String, let bytes = Data(base64Encoded: text) else {
            throw Malformed(description: "tensor object without data or base64")
        }
        let float32 = (object["dtype"] as? String) == "float32"
        return Tensor(shape: shape, data: float32 ? widen32(bytes) : read64(bytes))
    }

    private static func read64(_ bytes: Data) -> [Double] {
        stride(from: 0, to: bytes.count, by: 8).map { offset in
            var bits: UInt64 = 0
            for b in 0..<8 { bits |= UInt64(bytes[bytes.startIndex + offset + b]) << (8 * b) }
            return Double(bitPattern: bits)
        }
    }

    private static func widen32(_ bytes: Data) -> [Double] {
        stride(from: 0, to: bytes.count, by: 4).map { offset in
            var bits: UInt32 = 0
            for b in 0..<4 { bits |= UInt32(bytes[bytes.startIndex + offset + b]) << (8 * b) }
            return Double(Float(bitPattern: bits))
        }
    }
}
