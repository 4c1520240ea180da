import ConvEngine
import Grading

/// batchnorm1d's and batchnorm2d's fields (openapi.yaml, `BatchNormLayer`): `weight`, `bias`,
/// `running_mean`, `running_var` (each `[C]`, each optional), `training` (true), `momentum` (0.1),
/// `eps` (1e-5). The running statistics are buffers: returned updated, never given gradients.
extension BatchNorm1d: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        DecodedLayer(BatchNorm1d(spec: try decodeBatchNorm(fields, decoder, context: "a batchnorm1d layer")))
    }
}

extension BatchNorm2d: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        DecodedLayer(BatchNorm2d(spec: try decodeBatchNorm(fields, decoder, context: "a batchnorm2d layer")))
    }
}

private func decodeBatchNorm(_ fields: FieldReader, _ decoder: LayerDecoder, context: String) throws -> BatchNormSpec {
    try fields.rejectUnknownKeys(
        allowed: ["type", "name", "weight", "bias", "running_mean", "running_var", "training", "momentum", "eps"],
        context: context)
    func vector(_ key: String) throws -> Tensor? {
        guard let value = fields.optional(key), value != .null else { return nil }
        return try decoder.tensor(value, at: fields.path.key(key))
    }
    return BatchNormSpec(
        weight: try vector("weight"), bias: try vector("bias"), runningMean: try vector("running_mean"),
        runningVar: try vector("running_var"), training: try fields.bool("training", default: true),
        momentum: try fields.number("momentum", default: 0.1), eps: try fields.number("eps", default: 1e-5))
}
