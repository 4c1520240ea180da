import ConvEngine
import JSONCodec

/// Decodes `layers[i]` (openapi.yaml, `Layer`): the `type` picks the kind in `LayerRegistry`, whose
/// `decode` reads its fields; the helpers here are the field forms several kinds share.
public struct LayerDecoder {
    var tensors: TensorDecoder
    static let positive = 1...FieldReader.largestInteger
    static let nonNegative = 0...FieldReader.largestInteger

    func decode(_ value: JSONValue, at path: JSONPath) throws -> DecodedLayer {
        let fields = try FieldReader(value, at: path, expected: "a layer object such as {\"type\": \"relu\"}")
        let type = try Self.typeName(fields, choices: LayerRegistry.typeNames, unknownCode: .unknownLayer)
        var decoded = try LayerRegistry.kind(named: type)!.decode(fields, self)  // typeName checked it is one
        decoded.name = try name(fields)
        return decoded
    }

    /// The `type` field, which must be one of `choices` (`unknownCode` when it is not).
    static func typeName(_ fields: FieldReader, choices: [String], unknownCode: ErrorCode) throws -> String {
        let value = try fields.required("type", what: "one of \(FieldReader.quoted(choices))")
        guard case .string(let type) = value else {
            throw APIError.wrongType(
                at: fields.path.key("type"), expected: "one of \(FieldReader.quoted(choices))", found: value)
        }
        guard choices.contains(type) else {
            let path = fields.path.key("type")
            throw APIError.invalid(
                unknownCode, "\(path) must be one of \(FieldReader.quoted(choices)); found \"\(type)\"", at: path)
        }
        return type
    }

    /// A layer name as `nn.Sequential` allows it: a non-empty string without ".".
    func name(_ fields: FieldReader) throws -> String? {
        guard let value = fields.optional("name") else { return nil }
        func path() -> JSONPath { fields.path.key("name") }
        guard case .string(let name) = value else {
            throw APIError.wrongType(at: path(), expected: "a string", found: value)
        }
        guard !name.isEmpty, !name.contains(".") else {
            throw APIError.invalid(
                .invalidValue,
                "\(path()) must be a non-empty name without \".\" (as nn.Sequential requires); found \"\(name)\"",
                at: path())
        }
        return name
    }

    /// A tensor field.
    func tensor(_ value: JSONValue, at path: @autoclosure () -> JSONPath) throws -> Tensor {
        try tensors.decode(value, at: path())
    }

    /// An optional bias `[outputs]`; `null` means none, like PyTorch's `bias=None`.
    func bias(_ fields: FieldReader, outputs: Int, of what: String, weightShape: [Int]) throws -> (Tensor?, [Int]?) {
        guard let value = fields.optional("bias"), value != .null else { return (nil, nil) }
        func path() -> JSONPath { fields.path.key("bias") }
        let bias = try tensors.decode(value, at: path())
        guard bias.rank == 1, bias.count == outputs else {
            throw APIError.invalid(
                .shapeMismatch,
                "\(path()) has shape \(bias.shape); weight \(weightShape) has \(outputs) \(what), so the bias must be [\(outputs)]",
                at: path())
        }
        return (bias, bias.shape)
    }

    /// `kernel_size`: an integer or `[kh, kw]`, each >= 1.
    func kernelSize(_ fields: FieldReader) throws -> Pair {
        let value = try fields.required("kernel_size", what: "an integer or [kh, kw]")
        return try FieldReader.pair(value, at: fields.path.key("kernel_size"), range: Self.positive)
    }
}
