import ConvEngine
import Grading

/// conv_transpose2d's fields: `weight` (required: `[in, out/groups, kh, kw]`, or `[kh, kw]`), `bias`,
/// `stride` (1), `padding` (0), `output_padding` (0), `dilation` (1), `groups` (1).
extension ConvTranspose2d: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(
            allowed: ["type", "name", "weight", "bias", "stride", "padding", "output_padding", "dilation", "groups"],
            context: "a conv_transpose2d layer")
        let path = fields.path.key("weight")
        let written = try decoder.tensor(
            fields.required("weight", what: "[in, out/groups, kh, kw] or [kh, kw]"), at: path)
        guard written.rank == 2 || written.rank == 4 else {
            throw APIError.invalid(
                .shapeMismatch,
                "\(path) has \(APIError.dims(written.rank)) \(written.shape); conv_transpose2d takes [kh, kw] or [in, out/groups, kh, kw]",
                at: path)
        }
        let weight = written.rank == 2 ? written.reshaped([1, 1] + written.shape) : written
        let groups = try fields.integer("groups", default: 1, range: LayerDecoder.positive)
        let (bias, biasShape) = try decoder.bias(
            fields, outputs: weight.shape[1] * groups, of: "output channels", weightShape: written.shape)
        let layer = ConvTranspose2d(
            weight: weight, bias: bias,
            stride: try fields.pair("stride", default: Pair(1), range: LayerDecoder.positive)!,
            padding: try fields.pair("padding", default: Pair(0), range: LayerDecoder.nonNegative)!,
            outputPadding: try fields.pair("output_padding", default: Pair(0), range: LayerDecoder.nonNegative)!,
            dilation: try fields.pair("dilation", default: Pair(1), range: LayerDecoder.positive)!, groups: groups)
        var shapes = ["weight": written.shape]
        shapes["bias"] = biasShape
        return DecodedLayer(layer, writtenShapes: shapes)
    }
}
