import ConvEngine
import Grading

/// softmax's and log_softmax's field: `dim` (1), over the full-rank tensor; negative counts from the end.
extension Softmax: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(allowed: ["type", "name", "dim"], context: "a softmax layer")
        return DecodedLayer(Softmax(dim: try softmaxDim(fields)))
    }
}

extension LogSoftmax: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(allowed: ["type", "name", "dim"], context: "a log_softmax layer")
        return DecodedLayer(LogSoftmax(dim: try softmaxDim(fields)))
    }
}

/// `dim`: an integer, negative allowed.
private func softmaxDim(_ fields: FieldReader) throws -> Int {
    try fields.integer("dim", default: 1, range: -FieldReader.largestInteger...FieldReader.largestInteger)
}
