import ConvEngine
import Grading

/// dropout's fields: `p` (0.5), `training` (true), `mask` (0s and 1s of the input's shape; required
/// when training with 0 < p < 1).
extension Dropout: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(allowed: ["type", "name", "p", "training", "mask"], context: "a dropout layer")
        let mask = try fields.optional("mask").flatMap {
            $0 == .null ? nil : try decoder.tensor($0, at: fields.path.key("mask"))
        }
        return DecodedLayer(
            Dropout(
                p: try fields.number("p", default: 0.5), training: try fields.bool("training", default: true),
                mask: mask))
    }
}
