import ConvEngine
import Grading

/// adaptive_avgpool2d's field: `output_size` (required: an int or `[oh, ow]`).
extension AdaptiveAvgPool2d: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(allowed: ["type", "name", "output_size"], context: "an adaptive_avgpool2d layer")
        let value = try fields.required("output_size", what: "an integer or [oh, ow]")
        return DecodedLayer(
            AdaptiveAvgPool2d(
                outputSize: try FieldReader.pair(
                    value, at: fields.path.key("output_size"), range: LayerDecoder.positive)))
    }
}

/// upsample's fields: `scale_factor` (required: an integer or a pair), `mode` (`"nearest"` or
/// `"bilinear"`), `align_corners` (false; bilinear only).
extension Upsample: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(
            allowed: ["type", "name", "scale_factor", "mode", "align_corners"], context: "an upsample layer")
        let value = try fields.required("scale_factor", what: "an integer or [sh, sw]")
        let scale = try FieldReader.pair(value, at: fields.path.key("scale_factor"), range: LayerDecoder.positive)
        let mode = Mode(
            rawValue: try fields.choice("mode", default: "nearest", choices: Mode.allCases.map(\.rawValue))!)!
        return DecodedLayer(
            Upsample(scale: scale, mode: mode, alignCorners: try fields.bool("align_corners", default: false)))
    }
}
