import ConvEngine
import JSONCodec

/// One layer as the request wrote it, decoded: the engine's layer (weights at full rank) plus the
/// shapes its parameters were written in.
struct DecodedLayer: Sendable {
    var layer: Layer
    var name: String?
    var weightShape: [Int]?
    var biasShape: [Int]?
}

/// Decodes `layers[i]` (API.md, the layer table), every field with its PyTorch default.
struct LayerDecoder {
    var tensors: TensorDecoder
    static let types = ["conv2d", "maxpool2d", "avgpool2d", "relu", "sigmoid", "tanh", "leaky_relu", "flatten", "linear"]
    static let paddingModes = PaddingMode.allCases.map(\.rawValue)
    static let positive = 1...FieldReader.largestInteger
    static let nonNegative = 0...FieldReader.largestInteger

    func decode(_ value: JSONValue, at path: JSONPath) throws -> DecodedLayer {
        let fields = try FieldReader(value, at: path, expected: "a layer object such as {\"type\": \"relu\"}")
        let type = try Self.typeName(fields, choices: Self.types, unknownCode: "unknown_layer")
        var decoded: DecodedLayer
        switch type {
        case "conv2d": decoded = try conv2d(fields)
        case "maxpool2d": decoded = try maxPool2d(fields)
        case "avgpool2d": decoded = try avgPool2d(fields)
        case "linear": decoded = try linear(fields)
        case "leaky_relu":
            try fields.rejectUnknownKeys(allowed: ["type", "name", "negative_slope"], context: "a leaky_relu layer")
            decoded = DecodedLayer(layer: .leakyReLU(negativeSlope: try fields.number("negative_slope", default: 0.01)))
        default:
            try fields.rejectUnknownKeys(allowed: ["type", "name"], context: "a \(type) layer")
            decoded = DecodedLayer(layer: Self.parameterless[type]!)
        }
        decoded.name = try name(fields)
        return decoded
    }

    /// The `type` field, which must be one of `choices` (`unknownCode` when it is not).
    static func typeName(_ fields: FieldReader, choices: [String], unknownCode: String) throws -> String {
        let value = try fields.required("type", what: "one of \(FieldReader.quoted(choices))")
        guard case .string(let type) = value else {
            throw APIError.wrongType(at: fields.path.key("type"), expected: "one of \(FieldReader.quoted(choices))", found: value)
        }
        guard choices.contains(type) else {
            let path = fields.path.key("type")
            throw APIError.invalid(unknownCode, "\(path) must be one of \(FieldReader.quoted(choices)); found \"\(type)\"", at: path)
        }
        return type
    }

    private static let parameterless: [String: Layer] = ["relu": .relu, "sigmoid": .sigmoid, "tanh": .tanh, "flatten": .flatten]

    /// A layer name as `nn.Sequential` allows it: a non-empty string without ".".
    private func name(_ fields: FieldReader) throws -> String? {
        guard let value = fields.optional("name") else { return nil }
        func path() -> JSONPath { fields.path.key("name") }
        guard case .string(let name) = value else { throw APIError.wrongType(at: path(), expected: "a string", found: value) }
        guard !name.isEmpty, !name.contains(".") else {
            throw APIError.invalid("invalid_value", "\(path()) must be a non-empty name without \".\" (as nn.Sequential requires); found \"\(name)\"", at: path())
        }
        return name
    }

    private func conv2d(_ fields: FieldReader) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(
            allowed: ["type", "name", "weight", "bias", "stride", "padding", "dilation", "groups", "padding_mode"], context: "a conv2d layer")
        let (spec, weightShape, biasShape) = try conv2dSpec(fields, weightKey: "weight")
        return DecodedLayer(layer: .conv2d(spec), weightShape: weightShape, biasShape: biasShape)
    }

    /// A conv's fields, read from a layer object or from the short form's top level (`weightKey` "kernels").
    func conv2dSpec(_ fields: FieldReader, weightKey: String) throws -> (Conv2dSpec, weightShape: [Int], biasShape: [Int]?) {
        let weightValue = try fields.required(weightKey, what: "[kh, kw] or [out, in/groups, kh, kw]")
        let (weight, weightShape) = try convWeight(weightValue, at: fields.path.key(weightKey))
        let (bias, biasShape) = try bias(fields, outputs: weight.shape[0], of: "output channels", weightShape: weightShape)
        let spec = Conv2dSpec(
            weight: weight, bias: bias,
            stride: try fields.pair("stride", default: Pair(1), range: Self.positive)!,
            padding: try convPadding(fields),
            dilation: try fields.pair("dilation", default: Pair(1), range: Self.positive)!,
            groups: try fields.integer("groups", default: 1, range: Self.positive),
            paddingMode: PaddingMode(rawValue: try fields.choice("padding_mode", default: "zeros", choices: Self.paddingModes)!)!)
        return (spec, weightShape, biasShape)
    }

    /// A conv weight `[kh, kw]` (one filter, one channel) becomes `[1, 1, kh, kw]`.
    func convWeight(_ value: JSONValue, at path: @autoclosure () -> JSONPath) throws -> (Tensor, [Int]) {
        let weight = try tensors.decode(value, at: path())
        switch weight.rank {
        case 2: return (weight.reshaped([1, 1] + weight.shape), weight.shape)
        case 4: return (weight, weight.shape)
        default:
            throw APIError.invalid(
                "shape_mismatch", "\(path()) has \(APIError.dims(weight.rank)) \(weight.shape); conv2d takes [kh, kw] or [out, in/groups, kh, kw]", at: path())
        }
    }

    /// `padding`: an int, `[ph, pw]`, `"valid"` or `"same"`.
    func convPadding(_ fields: FieldReader) throws -> ConvPadding {
        guard let value = fields.optional("padding") else { return .explicit(Pair(0)) }
        func path() -> JSONPath { fields.path.key("padding") }
        switch value {
        case .string("valid"): return .valid
        case .string("same"): return .same
        case .string(let text):
            throw APIError.invalid("invalid_value", "\(path()) must be an integer, [ph, pw], \"valid\" or \"same\"; found \"\(text)\"", at: path())
        case .number, .numbers, .array: return .explicit(try FieldReader.pair(value, at: path(), range: Self.nonNegative))
        default: throw APIError.wrongType(at: path(), expected: "an integer, [ph, pw], \"valid\" or \"same\"", found: value)
        }
    }

    /// An optional bias `[outputs]`; `null` means none, like PyTorch's `bias=None`.
    func bias(_ fields: FieldReader, outputs: Int, of what: String, weightShape: [Int]) throws -> (Tensor?, [Int]?) {
        guard let value = fields.optional("bias"), value != .null else { return (nil, nil) }
        func path() -> JSONPath { fields.path.key("bias") }
        let bias = try tensors.decode(value, at: path())
        guard bias.rank == 1, bias.count == outputs else {
            throw APIError.invalid(
                "shape_mismatch", "\(path()) has shape \(bias.shape); weight \(weightShape) has \(outputs) \(what), so the bias must be [\(outputs)]", at: path())
        }
        return (bias, bias.shape)
    }

    private func maxPool2d(_ fields: FieldReader) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(
            allowed: ["type", "name", "kernel_size", "stride", "padding", "dilation", "ceil_mode"], context: "a maxpool2d layer")
        let kernel = try kernelSize(fields)
        let spec = MaxPool2dSpec(
            kernel: kernel, stride: try fields.pair("stride", default: kernel, range: Self.positive),
            padding: try fields.pair("padding", default: Pair(0), range: Self.nonNegative)!,
            dilation: try fields.pair("dilation", default: Pair(1), range: Self.positive)!,
            ceilMode: try fields.bool("ceil_mode", default: false))
        return DecodedLayer(layer: .maxPool2d(spec))
    }

    private func avgPool2d(_ fields: FieldReader) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(
            allowed: ["type", "name", "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"], context: "an avgpool2d layer")
        let kernel = try kernelSize(fields)
        let spec = AvgPool2dSpec(
            kernel: kernel, stride: try fields.pair("stride", default: kernel, range: Self.positive),
            padding: try fields.pair("padding", default: Pair(0), range: Self.nonNegative)!,
            ceilMode: try fields.bool("ceil_mode", default: false),
            countIncludePad: try fields.bool("count_include_pad", default: true))
        return DecodedLayer(layer: .avgPool2d(spec))
    }

    private func kernelSize(_ fields: FieldReader) throws -> Pair {
        let value = try fields.required("kernel_size", what: "an integer or [kh, kw]")
        return try FieldReader.pair(value, at: fields.path.key("kernel_size"), range: Self.positive)
    }

    private func linear(_ fields: FieldReader) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(allowed: ["type", "name", "weight", "bias"], context: "a linear layer")
        let path = fields.path.key("weight")
        let weight = try tensors.decode(fields.required("weight", what: "[out_features, in_features]"), at: path)
        guard weight.rank == 2 else {
            throw APIError.invalid(
                "shape_mismatch", "\(path) has \(APIError.dims(weight.rank)) \(weight.shape); linear takes [out_features, in_features]", at: path)
        }
        let (bias, biasShape) = try bias(fields, outputs: weight.shape[0], of: "output features", weightShape: weight.shape)
        return DecodedLayer(layer: .linear(LinearSpec(weight: weight, bias: bias)), weightShape: weight.shape, biasShape: biasShape)
    }
}
