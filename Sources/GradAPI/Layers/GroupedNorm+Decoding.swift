import ConvEngine
import Grading
import JSONCodec

/// layernorm's fields: `normalized_shape` (required: an int or a list, the trailing dims), `weight`,
/// `bias` (that shape; none: affine off), `eps` (1e-5).
extension LayerNorm: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(
            allowed: ["type", "name", "normalized_shape", "weight", "bias", "eps"], context: "a layernorm layer")
        let value = try fields.required("normalized_shape", what: "an integer or a list of the trailing dims")
        let path = fields.path.key("normalized_shape")
        let shape: [Int]
        if let elements = value.arrayElements {
            guard !elements.isEmpty else {
                throw APIError.invalid(.invalidValue, "\(path) must not be empty", at: path)
            }
            shape = try elements.enumerated().map { i, element in
                try FieldReader.integer(element, at: path.index(i), range: LayerDecoder.positive)
            }
        } else {
            shape = [try FieldReader.integer(value, at: path, range: LayerDecoder.positive)]
        }
        return DecodedLayer(
            LayerNorm(
                normalizedShape: shape, weight: try affine(fields, decoder, "weight"),
                bias: try affine(fields, decoder, "bias"),
                eps: try fields.number("eps", default: 1e-5)))
    }
}

/// groupnorm's fields: `num_groups` (required, divides C), `weight`, `bias` (`[C]`; none: affine off), `eps` (1e-5).
extension GroupNorm: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(
            allowed: ["type", "name", "num_groups", "weight", "bias", "eps"], context: "a groupnorm layer")
        let groups = try FieldReader.integer(
            try fields.required("num_groups", what: "an integer that divides the channels"),
            at: fields.path.key("num_groups"),
            range: LayerDecoder.positive)
        return DecodedLayer(
            GroupNorm(
                numGroups: groups, weight: try affine(fields, decoder, "weight"),
                bias: try affine(fields, decoder, "bias"),
                eps: try fields.number("eps", default: 1e-5)))
    }
}

/// An optional affine tensor; `null` means none.
private func affine(_ fields: FieldReader, _ decoder: LayerDecoder, _ key: String) throws -> Tensor? {
    guard let value = fields.optional(key), value != .null else { return nil }
    return try decoder.tensor(value, at: fields.path.key(key))
}
