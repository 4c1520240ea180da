import ConvEngine
import Grading
import JSONCodec

/// residual's field: `layers` (required: a non-empty list of layer objects, decoded as a network's
/// are). Inner names default to their index and must be unique within the block.
extension Residual: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(allowed: ["type", "name", "layers"], context: "a residual layer")
        let path = fields.path.key("layers")
        let value = try fields.required("layers", what: "a non-empty array of layers: the block")
        guard let elements = value.arrayElements else {
            throw APIError.wrongType(at: path, expected: "an array of layers", found: value)
        }
        guard !elements.isEmpty else {
            throw APIError.invalid(
                .invalidValue, "\(path) is empty; a residual block needs at least one layer", at: path)
        }
        let inner = try elements.enumerated().map { j, element in try decoder.decode(element, at: path.index(j)) }
        let names = try uniqueNames(inner, at: path)
        var shapes: [String: [Int]] = [:]
        var paths: [String: String] = [:]
        for (j, decoded) in inner.enumerated() {
            for parameter in decoded.layer.parameters {
                shapes["\(names[j]).\(parameter.name)"] =
                    decoded.writtenShapes[parameter.name] ?? parameter.tensor.shape
                paths["\(names[j]).\(parameter.name)"] =
                    "layers[\(j)].\(decoded.parameterPaths[parameter.name] ?? parameter.name)"
            }
        }
        return DecodedLayer(
            Residual(layers: inner.map(\.layer), names: names), writtenShapes: shapes, parameterPaths: paths)
    }

    /// Each inner layer's `name`, else its index in the block; a name used twice is 422 `duplicate_name`.
    private static func uniqueNames(_ inner: [DecodedLayer], at path: JSONPath) throws -> [String] {
        var names: [String] = []
        for (j, layer) in inner.enumerated() {
            let name = layer.name ?? String(j)
            if let first = names.firstIndex(of: name) {
                throw APIError.invalid(
                    .duplicateName,
                    "\(path.index(j)) is named \"\(name)\", which \(path.index(first)) already uses; names in a block must be unique",
                    at: path.index(j))
            }
            names.append(name)
        }
        return names
    }
}
