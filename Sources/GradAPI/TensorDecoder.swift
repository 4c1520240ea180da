import ConvEngine
import JSONCodec

/// Reads a request tensor in any of openapi.yaml's three forms, keeping the shape the request wrote:
/// nested rectangular arrays, `{"shape", "data"}` (row-major), or `{"shape", "base64", "dtype"?}`
/// (little-endian float64, or float32 widened exactly to float64).
///
/// Edge cases: a bare number is a scalar (shape `[]`); an empty dimension, a ragged array, a non-number,
/// a shape/data length mismatch and bad base64 are 422 at the element's path; more elements than
/// `maxElements` is 413. Non-finite numbers were refused when the body was read (`NonFiniteScan`).
public struct TensorDecoder: Sendable {
    public var maxElements: Int

    public init(maxElements: Int) { self.maxElements = maxElements }

    /// The tensor `value` holds; `path` (built only for an error) is where the request wrote it.
    public func decode(_ value: JSONValue, at path: @autoclosure () -> JSONPath) throws -> Tensor {
        switch value {
        case .number(let scalar): return Tensor(scalar: scalar)
        case .numbers(let row): return try checked(Tensor(shape: [row.count], data: row), at: path)
        case .numberBlock(let block): return try decodeBlock(block, at: path)
        case .array: return try decodeNested(value, at: path)
        case .object(let object): return try decodeObject(FieldReader(object, at: path()))
        default: throw APIError.wrongType(at: path(), expected: Self.expectedForms, found: value)
        }
    }

    /// The product of `shape`, saturating at `Int.max` (a shape such as `[2^32, 2^32]` must read as
    /// too large, never wrap around to a small or negative count).
    static func elementCount(_ shape: [Int]) -> Int {
        var count = 1
        for dim in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            if overflow { return Int.max }
            count = product
        }
        return count
    }

    static let expectedForms = "a tensor (nested arrays of numbers, {\"shape\", \"data\"} or {\"shape\", \"base64\"})"

    private func checked(_ tensor: Tensor, at path: () -> JSONPath) throws -> Tensor {
        guard tensor.count <= maxElements else {
            throw APIError.tooLarge("\(path()) has \(tensor.count) elements; the limit is \(maxElements)", at: path())
        }
        return tensor
    }

    // MARK: nested arrays

    /// A rectangular nested array as the parser read it (JSONCodec's NumberBlock.swift): its
    /// numbers are the tensor's, taken with no copy. Deeper than `nestedShape` reads is its error.
    private func decodeBlock(_ block: NumberBlock, at path: () -> JSONPath) throws -> Tensor {
        guard block.shape.count <= Self.maxNestedDims else { return try decodeNested(block.nestedValue, at: path) }
        try checkNestedCount(block.shape, at: path)
        return Tensor(shape: block.shape, data: block.data)
    }

    /// The most dims `nestedShape` reads: 8 nested arrays, and the rows of numbers inside them.
    private static let maxNestedDims = 9

    private func checkNestedCount(_ shape: [Int], at path: () -> JSONPath) throws {
        let count = Self.elementCount(shape)
        guard count <= maxElements else {
            throw APIError.tooLarge(
                "\(path()) has shape \(shape) (\(count) elements); the limit is \(maxElements)", at: path())
        }
    }

    private func decodeNested(_ value: JSONValue, at path: () -> JSONPath) throws -> Tensor {
        let shape = try nestedShape(value, at: path)
        try checkNestedCount(shape, at: path)
        let count = Self.elementCount(shape)
        var data: [Double] = []
        data.reserveCapacity(count)
        try fill(&data, from: value, shape: shape, depth: 0, at: path)
        return Tensor(shape: shape, data: data)
    }

    /// The shape read down the first elements; `fill` then checks every other element against it.
    private func nestedShape(_ value: JSONValue, at path: () -> JSONPath) throws -> [Int] {
        var shape: [Int] = []
        var current = value
        while true {
            switch current {
            case .numbers(let row):
                shape.append(row.count)
                return shape
            case .array(let elements):
                guard let first = elements.first else {
                    let here = path().indices(Array(repeating: 0, count: shape.count))
                    throw APIError.invalid(
                        .invalidTensor, "\(here) is an empty array; tensors have no empty dimensions", at: here)
                }
                guard shape.count < 8 else {
                    throw APIError.invalid(
                        .invalidTensor, "\(path()) is nested more than 8 deep; tensors have at most 8 dims", at: path())
                }
                shape.append(elements.count)
                current = first
            case .number:
                return shape
            default:
                let here = path().indices(Array(repeating: 0, count: shape.count))
                throw APIError.wrongType(at: here, expected: "a number or an array of numbers", found: current)
            }
        }
    }

    /// Appends the numbers of `value` (the sub-array at `depth`) row-major, checking each level against
    /// `shape`. Filling is row-major, so on an error `data.count` locates the element at fault.
    private func fill(_ data: inout [Double], from value: JSONValue, shape: [Int], depth: Int, at path: () -> JSONPath)
        throws
    {
        guard depth < shape.count else {
            guard case .number(let number) = value else {
                let at = elementPath(path, data.count, shape, depth)
                throw APIError.invalid(
                    .invalidTensor,
                    "\(at) is \(APIError.describe(value)) where a number was expected (arrays must be rectangular)",
                    at: at)
            }
            data.append(number)
            return
        }
        let length = shape[depth]
        switch value {
        case .numbers(let row) where depth == shape.count - 1 && row.count == length:
            data.append(contentsOf: row)
        case .array(let elements) where elements.count == length:
            for element in elements {
                try fill(&data, from: element, shape: shape, depth: depth + 1, at: path)
            }
        default:
            let at = elementPath(path, data.count, shape, depth)
            let expected = depth == shape.count - 1 ? "\(length) numbers" : "\(length) arrays"
            throw APIError.invalid(
                .invalidTensor,
                "\(at) is \(APIError.describe(value)) where an array of \(expected) was expected (arrays must be rectangular)",
                at: at)
        }
    }

    /// The path of the sub-array at `depth` that starts at row-major offset `offset`.
    private func elementPath(_ path: () -> JSONPath, _ offset: Int, _ shape: [Int], _ depth: Int) -> JSONPath {
        var index: [Int] = []
        var stride = shape.reduce(1, *)
        for dim in shape.prefix(depth) {
            stride /= dim
            index.append(offset / stride % dim)
        }
        return path().indices(index)
    }

    // MARK: {"shape", "data"} and {"shape", "base64"}

    /// Members are checked before sizes: a malformed tensor is 422 whatever its shape claims; a
    /// well-formed one over `maxElements` is 413; then the data must fill the shape exactly.
    private func decodeObject(_ fields: FieldReader) throws -> Tensor {
        try fields.rejectUnknownKeys(allowed: ["shape", "data", "base64", "dtype"], context: "a tensor")
        let shape = try decodeShape(
            fields.required("shape", what: "the tensor's dimensions, e.g. [2, 3]"), at: fields.path.key("shape"))
        switch (fields.optional("data"), fields.optional("base64")) {
        case (let data?, nil):
            if fields.has("dtype") {
                throw APIError.invalid(
                    .invalidRequest,
                    "\(fields.path.key("dtype")) applies to \"base64\" only; \"data\" holds JSON numbers",
                    at: fields.path.key("dtype"))
            }
            let values = try flatData(data, at: fields.path.key("data"))
            let count = try checkedCount(shape, at: fields.path)
            guard values.count == count else {
                let path = fields.path.key("data")
                throw APIError.invalid(
                    .shapeMismatch, "\(path) has \(values.count) numbers; shape \(shape) needs \(count)", at: path)
            }
            return Tensor(shape: shape, data: values)
        case (nil, let encoded?):
            let path = fields.path.key("base64")
            guard case .string(let text) = encoded else {
                throw APIError.wrongType(at: path, expected: "a base64 string", found: encoded)
            }
            let dtype = try fields.choice("dtype", default: "float64", choices: ["float64", "float32"]) ?? "float64"
            let count = try checkedCount(shape, at: fields.path)
            return Tensor(
                shape: shape,
                data: try Base64Tensor.decode(text, count: count, shape: shape, float32: dtype == "float32", at: path))
        case (nil, nil):
            throw APIError.invalid(
                .missingField, "\(fields.path) needs \"data\" (numbers) or \"base64\" (bytes) beside \"shape\"",
                at: fields.path)
        case (.some, .some):
            throw APIError.invalid(
                .invalidRequest, "\(fields.path) has both \"data\" and \"base64\"; give one", at: fields.path)
        }
    }

    /// The element count of `shape`, or 413 when it is over `maxElements`.
    private func checkedCount(_ shape: [Int], at path: JSONPath) throws -> Int {
        let count = Self.elementCount(shape)
        guard count <= maxElements else {
            let size = count == Int.max ? "more than \(Int.max)" : String(count)
            throw APIError.tooLarge(
                "\(path) has shape \(shape) (\(size) elements); the limit is \(maxElements)", at: path)
        }
        return count
    }

    /// At most 8 dims, each at least 1 (`[]` is a scalar).
    private func decodeShape(_ value: JSONValue, at path: JSONPath) throws -> [Int] {
        guard let elements = value.arrayElements, elements.count <= 8 else {
            throw APIError.wrongType(at: path, expected: "an array of at most 8 positive integers", found: value)
        }
        return try elements.enumerated().map { i, element in
            try FieldReader.integer(element, at: path.index(i), range: 1...Int.max)
        }
    }

    private func flatData(_ value: JSONValue, at path: JSONPath) throws -> [Double] {
        switch value {
        case .numbers(let numbers): return numbers
        case .array, .numberBlock:
            return try (value.arrayElements ?? []).enumerated().map { i, element in
                guard case .number(let number) = element else {
                    throw APIError.wrongType(at: path.index(i), expected: "a number", found: element)
                }
                return number
            }
        default: throw APIError.wrongType(at: path, expected: "a flat array of numbers", found: value)
        }
    }
}
