import ConvEngine
import JSONCodec

extension Problem {
    /// Members every problem may have beside its network, input and seed.
    static let optionKeys = ["loss", "grad_output", "return", "tensor_format"]
    static let layersFormKeys = ["input", "layers"] + optionKeys
    static let shortFormKeys =
        ["images", "kernels", "bias", "stride", "padding", "dilation", "groups", "padding_mode"] + optionKeys

    /// Parses and decodes a request body; returns the problem and the top-level object, so an endpoint
    /// can read its own members (`extraKeys`, e.g. `"submission"`), which are otherwise refused.
    ///
    /// Errors: 400 `invalid_json` (with the byte offset), 422 for a body that is not a valid problem,
    /// 413 when a tensor or the estimated work is over `configuration`'s limits.
    public static func decode(
        body: [UInt8], configuration: APIConfiguration = APIConfiguration(), extraKeys: [String] = []
    ) throws -> (problem: Problem, object: JSONObject) {
        let value: JSONValue
        do { value = try parseJSON(body, limits: configuration.jsonLimits) } catch { throw APIError.invalidJSON(error) }
        try NonFiniteScan.check(value)
        let fields = try FieldReader(value, at: .root, expected: "a JSON object (the problem)")
        return (try decode(fields.object, configuration: configuration, extraKeys: extraKeys), fields.object)
    }

    /// Decodes a parsed body in either form (`input` + `layers`, or the short `images` + `kernels`).
    public static func decode(
        _ object: JSONObject, configuration: APIConfiguration = APIConfiguration(), extraKeys: [String] = []
    ) throws -> Problem {
        let fields = FieldReader(object, at: .root)
        let isShort = fields.has("images") || fields.has("kernels")
        if isShort, let key = ["input", "layers"].first(where: fields.has) {
            throw APIError.invalid(
                .invalidRequest, "\(key) belongs to the layers form and images/kernels to the short form; use one",
                at: JSONPath(key))
        }
        try fields.rejectUnknownKeys(
            allowed: (isShort ? shortFormKeys : layersFormKeys) + extraKeys, context: "the problem")
        var problem = isShort ? try decodeShortForm(fields, configuration) : try decodeLayersForm(fields, configuration)
        try problem.decodeSeedAndOptions(fields, configuration)
        try problem.checkSize(configuration)
        return problem
    }

    private static func decodeLayersForm(_ fields: FieldReader, _ configuration: APIConfiguration) throws -> Problem {
        let tensors = configuration.tensorDecoder
        let layersPath = JSONPath("layers")
        let layersValue = try fields.required("layers", what: "the network, an array of layers in order")
        guard let layerValues = layersValue.arrayElements else {
            throw APIError.wrongType(at: layersPath, expected: "an array of layers", found: layersValue)
        }
        guard !layerValues.isEmpty else {
            throw APIError.invalid(.invalidValue, "layers is empty; a network needs at least one layer", at: layersPath)
        }
        let decoder = LayerDecoder(tensors: tensors)
        let layers = try layerValues.enumerated().map { i, value in try decoder.decode(value, at: layersPath.index(i)) }
        let names = try layerNames(layers)
        let inputPath = JSONPath("input")
        let written = try tensors.decode(fields.required("input", what: "the network's input tensor"), at: inputPath)
        return Problem(
            form: .layers, layers: layers.map(\.layer),
            input: try InputRank.normalise(written, for: layers.map(\.layer), at: inputPath),
            inputName: "input", inputWrittenShape: written.shape, layerNames: names,
            parameters: parameters(layers, names: names), loss: nil, gradOutput: nil, options: ResponseOptions())
    }

    /// Each layer's `name`, else its index; a name used twice is 422 `duplicate_name`.
    private static func layerNames(_ layers: [DecodedLayer]) throws -> [String] {
        var names: [String] = []
        var firstUse: [String: Int] = [:]  // a dictionary, so that 60,000 layers cost no quadratic search
        for (i, layer) in layers.enumerated() {
            let name = layer.name ?? String(i)
            if let first = firstUse[name] {
                let path = layer.name == nil ? JSONPath("layers").index(i) : JSONPath("layers").index(i).key("name")
                let how = layer.name == nil ? "is named \"\(name)\" by default (its index)" : "is named \"\(name)\""
                throw APIError.invalid(
                    .duplicateName,
                    "layers[\(i)] \(how), which layers[\(first)] already uses; layer names must be unique", at: path)
            }
            names.append(name)
            firstUse[name] = i
        }
        return names
    }

    /// Every layer's parameters, `"<layer name>.<parameter>"`, in the shapes and at the paths the request wrote them.
    private static func parameters(_ layers: [DecodedLayer], names: [String]) -> [ProblemParameter] {
        layers.enumerated().flatMap { i, decoded in
            decoded.layer.parameters.map { parameter in
                ProblemParameter(
                    name: "\(names[i]).\(parameter.name)", layer: i, role: parameter.name,
                    writtenShape: decoded.writtenShapes[parameter.name] ?? parameter.tensor.shape,
                    path: Problem.append(
                        decoded.parameterPaths[parameter.name] ?? parameter.name, to: JSONPath("layers").index(i)))
            }
        }
    }

    /// The design card's `{"images", "kernels", "bias"?, "stride"?, ...}`: one layer named "0", read by
    /// `LayerRegistry.shortForm`; gradients `images`, `kernels`, `bias`.
    private static func decodeShortForm(_ fields: FieldReader, _ configuration: APIConfiguration) throws -> Problem {
        let tensors = configuration.tensorDecoder
        let decoded = try LayerRegistry.shortForm.decodeShortForm(fields, LayerDecoder(tensors: tensors))
        let inputPath = JSONPath("images")
        let written = try tensors.decode(
            fields.required("images", what: "the input images, [H, W], [C, H, W] or [N, C, H, W]"), at: inputPath)
        let parameters = decoded.layer.parameters.map { parameter in
            let name = parameter.name == "weight" ? "kernels" : parameter.name
            return ProblemParameter(
                name: name, layer: 0, role: parameter.name,
                writtenShape: decoded.writtenShapes[parameter.name] ?? parameter.tensor.shape,
                path: JSONPath(name))
        }
        return Problem(
            form: .short, layers: [decoded.layer],
            input: try InputRank.normalise(written, for: [decoded.layer], at: inputPath),
            inputName: "images", inputWrittenShape: written.shape, layerNames: ["0"],
            parameters: parameters, loss: nil, gradOutput: nil, options: ResponseOptions())
    }
}
