import ConvEngine
import Grading
import JSONCodec

/// conv1d's fields, as conv2d's with single integers: `weight` (required: `[out, in/groups, k]` or
/// `[k]`), `bias`, `stride`, `padding` (an integer, `"valid"` or `"same"`), `dilation`, `groups`, `padding_mode`.
extension Conv1d: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(
            allowed: ["type", "name", "weight", "bias", "stride", "padding", "dilation", "groups", "padding_mode"],
            context: "a conv1d layer")
        let path = fields.path.key("weight")
        let written = try decoder.tensor(fields.required("weight", what: "[out, in/groups, k] or [k]"), at: path)
        guard written.rank == 1 || written.rank == 3 else {
            throw APIError.invalid(
                .shapeMismatch,
                "\(path) has \(APIError.dims(written.rank)) \(written.shape); conv1d takes [k] or [out, in/groups, k]",
                at: path)
        }
        let weight = written.rank == 1 ? written.reshaped([1, 1] + written.shape) : written
        let (bias, biasShape) = try decoder.bias(
            fields, outputs: weight.shape[0], of: "output channels", weightShape: written.shape)
        let positive = LayerDecoder.positive
        let layer = Conv1d(
            weight: weight, bias: bias, stride: try fields.integer("stride", default: 1, range: positive),
            padding: try padding(fields),
            dilation: try fields.integer("dilation", default: 1, range: positive),
            groups: try fields.integer("groups", default: 1, range: positive),
            paddingMode: PaddingMode(
                rawValue: try fields.choice(
                    "padding_mode", default: "zeros", choices: PaddingMode.allCases.map(\.rawValue))!)!)
        var shapes = ["weight": written.shape]
        shapes["bias"] = biasShape
        return DecodedLayer(layer, writtenShapes: shapes)
    }

    private static func padding(_ fields: FieldReader) throws -> ConvPadding {
        guard let value = fields.optional("padding"), value != .null else { return .explicit(Pair(0)) }
        let path = fields.path.key("padding")
        switch value {
        case .string("valid"): return .valid
        case .string("same"): return .same
        default: return .explicit(Pair(0, try FieldReader.integer(value, at: path, range: LayerDecoder.nonNegative)))
        }
    }
}
