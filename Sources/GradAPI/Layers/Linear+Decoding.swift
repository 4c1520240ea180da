import ConvEngine
import Grading

/// linear's fields (openapi.yaml, `Layer`): `weight [out_features, in_features]`, `bias [out_features]`.
extension Linear: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(allowed: ["type", "name", "weight", "bias"], context: "a linear layer")
        let path = fields.path.key("weight")
        let weight = try decoder.tensor(fields.required("weight", what: "[out_features, in_features]"), at: path)
        guard weight.rank == 2 else {
            throw APIError.invalid(
                .shapeMismatch,
                "\(path) has \(APIError.dims(weight.rank)) \(weight.shape); linear takes [out_features, in_features]",
                at: path)
        }
        let (bias, biasShape) = try decoder.bias(
            fields, outputs: weight.shape[0], of: "output features", weightShape: weight.shape)
        var shapes = ["weight": weight.shape]
        shapes["bias"] = biasShape
        return DecodedLayer(Linear(weight: weight, bias: bias), writtenShapes: shapes)
    }
}
