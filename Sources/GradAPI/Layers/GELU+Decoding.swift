import ConvEngine
import Grading

/// gelu's field: `approximate`, `"none"` (exact, the default) or `"tanh"`.
extension GELU: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(allowed: ["type", "name", "approximate"], context: "a gelu layer")
        let choice = try fields.choice("approximate", default: "none", choices: Approximation.allCases.map(\.rawValue))!
        return DecodedLayer(GELU(approximate: Approximation(rawValue: choice)!))
    }
}
