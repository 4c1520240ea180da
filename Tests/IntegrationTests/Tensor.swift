import Foundation

/// A tensor decoded from any of the API's forms: nested arrays, `{"shape", "data"}` or
/// `{"shape", "base64"}` (little-endian float64, or float32 with `"dtype": "float32"`).
struct Tensor: Sendable, Equatable {
    var shape: [Int]
    var data: [Double]

    init(shape: [Int], data: [Double]) {
        self.shape = shape
        self.data = data
    }

    /// The form a response used for a tensor.
    enum Form: String, Sendable { case nested, flat, base64 }

    /// A tensor from a vector's `expected`: flat data or base64.
    init(expected value: Any?, _ place: String) throws {
        let object = try JSONTree.dictionary(value, place)
        self = try Tensor.fromObject(object, place)
    }

    /// A tensor from a response; throws unless it is written in `form`.
    init(response value: Any?, form: Form, _ place: String) throws {
        switch form {
        case .nested:
            guard let array = value as? [Any] else {
                throw FixtureError("\(place) is not a nested array: \(String(describing: value).prefix(120))")
            }
            self = try Tensor.fromNested(array, place)
        case .flat, .base64:
            let object = try JSONTree.dictionary(value, place)
            guard object[form == .flat ? "data" : "base64"] != nil else {
                throw FixtureError("\(place) is not in \(form) form: \(object.keys.sorted())")
            }
            self = try Tensor.fromObject(object, place)
        }
    }

    private static func fromObject(_ object: [String: Any], _ place: String) throws -> Tensor {
        guard let shape = (object["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }) else {
            throw FixtureError("\(place).shape is missing")
        }
        let count = shape.reduce(1, *)
        let data: [Double]
        if let values = object["data"] as? [Any] {
            data = try values.enumerated().map { try JSONTree.number($1, "\(place).data[\($0)]") }
        } else if let base64 = object["base64"] as? String, let bytes = Data(base64Encoded: base64) {
            data = try decodeLittleEndian(Array(bytes), float32: object["dtype"] as? String == "float32", place)
        } else {
            throw FixtureError("\(place) has neither data nor valid base64")
        }
        guard data.count == count else { throw FixtureError("\(place) has \(data.count) values for shape \(shape)") }
        return Tensor(shape: shape, data: data)
    }

    private static func decodeLittleEndian(_ bytes: [UInt8], float32: Bool, _ place: String) throws -> [Double] {
        let width = float32 ? 4 : 8
        guard bytes.count % width == 0 else { throw FixtureError("\(place).base64 has \(bytes.count) bytes") }
        return stride(from: 0, to: bytes.count, by: width).map { start in
            var bits: UInt64 = 0
            for offset in (0..<width).reversed() { bits = bits << 8 | UInt64(bytes[start + offset]) }
            return float32 ? Double(Float(bitPattern: UInt32(bits))) : Double(bitPattern: bits)
        }
    }

    /// Nested arrays: the shape is read from the first element at each depth; ragged arrays throw.
    private static func fromNested(_ array: [Any], _ place: String) throws -> Tensor {
        var shape: [Int] = []
        var level: Any = array
        while let elements = level as? [Any] {
            shape.append(elements.count)
            guard let first = elements.first else { break }
            level = first
        }
        var data: [Double] = []
        try flatten(array, shape: shape[...], into: &data, place)
        return Tensor(shape: shape, data: data)
    }

    private static func flatten(_ value: Any, shape: ArraySlice<Int>, into data: inout [Double], _ place: String) throws
    {
        guard let dimension = shape.first else {
            data.append(try JSONTree.number(value, place))
            return
        }
        guard let elements = value as? [Any], elements.count == dimension else {
            throw FixtureError("\(place) is ragged")
        }
        for element in elements { try flatten(element, shape: shape.dropFirst(), into: &data, place) }
    }

    /// The multi-index of flat position `flat` in row-major order.
    func index(ofFlat flat: Int) -> [Int] {
        var rest = flat
        var index = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }
}
