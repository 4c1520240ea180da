import ConvEngine
import Grading
import JSONCodec

/// conv2d's fields (openapi.yaml, `Layer`), and the design card's short form, which is one conv2d.
extension Conv2d: RegisteredLayer, ShortFormLayer {
    static let paddingModes = PaddingMode.allCases.map(\.rawValue)

    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(
            allowed: ["type", "name", "weight", "bias", "stride", "padding", "dilation", "groups", "padding_mode"],
            context: "a conv2d layer")
        return try decode(fields, decoder, weightKey: "weight")
    }

    static func decodeShortForm(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try decode(fields, decoder, weightKey: "kernels")
    }

    /// A conv's fields, read from a layer object or from the short form's top level (`weightKey` "kernels").
    static func decode(_ fields: FieldReader, _ decoder: LayerDecoder, weightKey: String) throws -> DecodedLayer {
        let weightValue = try fields.required(weightKey, what: "[kh, kw] or [out, in/groups, kh, kw]")
        let (weight, weightShape) = try convWeight(weightValue, decoder, at: fields.path.key(weightKey))
        let (bias, biasShape) = try decoder.bias(
            fields, outputs: weight.shape[0], of: "output channels", weightShape: weightShape)
        let layer = Conv2d(
            weight: weight, bias: bias,
            stride: try fields.pair("stride", default: Pair(1), range: LayerDecoder.positive)!,
            padding: try convPadding(fields),
            dilation: try fields.pair("dilation", default: Pair(1), range: LayerDecoder.positive)!,
            groups: try fields.integer("groups", default: 1, range: LayerDecoder.positive),
            paddingMode: PaddingMode(
                rawValue: try fields.choice("padding_mode", default: "zeros", choices: paddingModes)!)!)
        var shapes = ["weight": weightShape]
        shapes["bias"] = biasShape
        return DecodedLayer(layer, writtenShapes: shapes)
    }

    /// A conv weight `[kh, kw]` (one filter, one channel) becomes `[1, 1, kh, kw]`.
    private static func convWeight(_ value: JSONValue, _ decoder: LayerDecoder, at path: JSONPath) throws -> (
        Tensor, [Int]
    ) {
        let weight = try decoder.tensor(value, at: path)
        switch weight.rank {
        case 2: return (weight.reshaped([1, 1] + weight.shape), weight.shape)
        case 4: return (weight, weight.shape)
        default:
            throw APIError.invalid(
                .shapeMismatch,
                "\(path) has \(APIError.dims(weight.rank)) \(weight.shape); conv2d takes [kh, kw] or [out, in/groups, kh, kw]",
                at: path)
        }
    }

    /// `padding`: an int, `[ph, pw]`, `"valid"` or `"same"`.
    private static func convPadding(_ fields: FieldReader) throws -> ConvPadding {
        guard let value = fields.optional("padding") else { return .explicit(Pair(0)) }
        func path() -> JSONPath { fields.path.key("padding") }
        switch value {
        case .string("valid"): return .valid
        case .string("same"): return .same
        case .string(let text):
            throw APIError.invalid(
                .invalidValue, "\(path()) must be an integer, [ph, pw], \"valid\" or \"same\"; found \"\(text)\"",
                at: path())
        case .number, .numbers, .numberBlock, .array:
            return .explicit(try FieldReader.pair(value, at: path(), range: LayerDecoder.nonNegative))
        default:
            throw APIError.wrongType(at: path(), expected: "an integer, [ph, pw], \"valid\" or \"same\"", found: value)
        }
    }
}
