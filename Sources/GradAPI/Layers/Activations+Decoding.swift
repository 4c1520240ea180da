import ConvEngine
import Grading

/// The activations' fields: none, but leaky_relu's `negative_slope` (0.01).
extension ReLU: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(allowed: ["type", "name"], context: "a relu layer")
        return DecodedLayer(ReLU())
    }
}

extension LeakyReLU: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(allowed: ["type", "name", "negative_slope"], context: "a leaky_relu layer")
        return DecodedLayer(LeakyReLU(negativeSlope: try fields.number("negative_slope", default: 0.01)))
    }
}

extension Sigmoid: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(allowed: ["type", "name"], context: "a sigmoid layer")
        return DecodedLayer(Sigmoid())
    }
}

extension Tanh: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(allowed: ["type", "name"], context: "a tanh layer")
        return DecodedLayer(Tanh())
    }
}
