import Foundation
import Testing

/// A decoded tensor: shape and row-major values.
struct PlainTensor {
    var shape: [Int]
    var data: [Double]
}

/// Reads tensors from Foundation-parsed JSON and compares them by the conformance README's rule.
enum TensorComparison {
    /// `|got - want| <= max(1e-9 |want|, 1e-12 max(1, max |want| over the tensor))`.
    static func tolerance(_ want: Double, scale: Double) -> Double {
        max(1e-9 * abs(want), 1e-12 * max(1, scale))
    }

    /// Checks shape and every element; on failure records the case, the tensor, the first differing
    /// index, expected, observed and the error.
    static func expectClose(_ observed: PlainTensor, _ expected: PlainTensor, case name: String, tensor: String) {
        guard observed.shape == expected.shape else {
            Issue.record("\(name): \(tensor) has shape \(observed.shape); expected \(expected.shape)")
            return
        }
        let scale = expected.data.map(abs).max() ?? 0
        for (i, (got, want)) in zip(observed.data, expected.data).enumerated()
        where !(abs(got - want) <= tolerance(want, scale: scale)) {
            Issue.record(
                "\(name): \(tensor) at index \(index(i, shape: expected.shape)): expected \(want), observed \(got), error \(abs(got - want)) > \(tolerance(want, scale: scale))"
            )
            return
        }
    }

    static func index(_ flat: Int, shape: [Int]) -> [Int] {
        var rest = flat
        var index: [Int] = []
        for dim in shape.reversed() {
            index.insert(rest % max(dim, 1), at: 0)
            rest /= max(dim, 1)
        }
        return index
    }

    /// A tensor in any of the three forms: nested arrays / a number, `{"shape", "data"}`, `{"shape", "base64"}`.
    static func decode(_ value: Any) -> PlainTensor? {
        if let object = value as? [String: Any] {
            guard let shape = (object["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }) else {
                return nil
            }
            if let data = object["data"] as? [Any] {
                return PlainTensor(shape: shape, data: data.compactMap { ($0 as? NSNumber)?.doubleValue })
            }
            if let text = object["base64"] as? String, let bytes = Data(base64Encoded: text) {
                let values = stride(from: 0, to: bytes.count, by: 8).map { offset in
                    Double(
                        bitPattern: bytes[bytes.startIndex + offset..<bytes.startIndex + offset + 8].reversed().reduce(
                            UInt64(0)
                        ) { $0 << 8 | UInt64($1) })
                }
                return PlainTensor(shape: shape, data: values)
            }
            return nil
        }
        var shape: [Int] = []
        var data: [Double] = []
        guard nested(value, depth: 0, shape: &shape, data: &data) else { return nil }
        return PlainTensor(shape: shape, data: data)
    }

    private static func nested(_ value: Any, depth: Int, shape: inout [Int], data: inout [Double]) -> Bool {
        if let number = value as? NSNumber, !(value is [Any]) {
            if depth != shape.count { return false }
            data.append(number.doubleValue)
            return true
        }
        guard let array = value as? [Any], !array.isEmpty else { return false }
        if depth == shape.count { shape.append(array.count) } else if shape[depth] != array.count { return false }
        return array.allSatisfy { nested($0, depth: depth + 1, shape: &shape, data: &data) }
    }

    /// The form a response tensor was written in.
    static func form(_ value: Any) -> String {
        guard let object = value as? [String: Any] else { return "nested" }
        if Set(object.keys) == ["shape", "data"] { return "flat" }
        if Set(object.keys) == ["shape", "base64"] { return "base64" }
        return "unknown \(object.keys.sorted())"
    }
}
