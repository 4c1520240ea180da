import ConvEngine
import Grading

/// flatten has no fields.
extension Flatten: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(allowed: ["type", "name"], context: "a flatten layer")
        return DecodedLayer(Flatten())
    }
}
