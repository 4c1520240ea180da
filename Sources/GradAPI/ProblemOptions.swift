import ConvEngine
import JSONCodec

extension Problem {
    static let tensorFormats = ResponseOptions.TensorFormat.allCases.map(\.rawValue)

    /// `loss`, `grad_output`, `return` and `tensor_format`, shared by both request forms.
    mutating func decodeSeedAndOptions(_ fields: FieldReader, _ configuration: APIConfiguration) throws {
        let tensors = configuration.tensorDecoder
        if let value = fields.optional("loss") {
            loss = try LossDecoder(tensors: tensors).decode(value, at: JSONPath("loss"), batch: input.shape.first ?? 1)
        }
        if let value = fields.optional("grad_output") {
            gradOutput = try tensors.decode(value, at: JSONPath("grad_output"))
        }
        if let format = try fields.choice("tensor_format", default: nil, choices: Self.tensorFormats) {
            options.tensorFormat = ResponseOptions.TensorFormat(rawValue: format)!
        }
        for extra in try returnList(fields) {
            if extra == "activations" { options.activations = true } else { options.activationGradients = true }
        }
    }

    /// `"return": ["activations", "activation_gradients"]` (either, both, or none).
    private func returnList(_ fields: FieldReader) throws -> [String] {
        guard let value = fields.optional("return") else { return [] }
        let path = JSONPath("return")
        let choices = ["activations", "activation_gradients"]
        guard let elements = value.arrayElements else {
            throw APIError.wrongType(
                at: path, expected: "an array of \"activations\" and \"activation_gradients\"", found: value)
        }
        return try elements.enumerated().map { i, element in
            guard case .string(let name) = element, choices.contains(name) else {
                throw APIError.invalid(
                    .invalidValue,
                    "\(path.index(i)) must be \"activations\" or \"activation_gradients\"; found \(APIError.describe(element))",
                    at: path.index(i))
            }
            return name
        }
    }

    /// 413 when a tensor the engine would hold, or the estimated work, is over the limits; 422 when a
    /// class index is not below the number of classes the output has.
    func checkSize(_ configuration: APIConfiguration) throws {
        let estimate = NetworkCost(layers: layers, inputShape: input.shape)
        if estimate.largestTensor > Double(configuration.maxTensorElements) {
            let holder =
                estimate.largestAt.map { "layers[\($0)] (\(layerNames[$0])) would hold a tensor of" } ?? "the input has"
            throw APIError.tooLarge(
                "\(holder) \(Self.format(estimate.largestTensor)) elements; the limit is \(configuration.maxTensorElements)"
            )
        }
        if estimate.heldElements > configuration.maxHeldElements {
            throw APIError.tooLarge(
                "the \(layers.count) layers' activations and their gradients would hold \(Self.format(estimate.heldElements)) elements; the limit is \(Self.format(configuration.maxHeldElements))"
            )
        }
        if estimate.work > configuration.maxWork {
            throw APIError.tooLarge(
                "the problem needs about \(Self.format(estimate.work)) multiply-adds; the limit is \(Self.format(configuration.maxWork))"
            )
        }
        if estimate.shapes.count == layers.count, let output = estimate.shapes.last {
            try checkClassIndices(outputShape: output)
        }
    }

    private func checkClassIndices(outputShape: [Int]) throws {
        guard let loss, case .classIndices(let indices) = loss.target, outputShape.count == 2 else { return }
        let classes = outputShape[1]
        if let bad = indices.firstIndex(where: { $0 >= classes }) {
            let target = JSONPath("loss").key("target")
            let path = indices.count == 1 ? target : target.index(bad)
            throw APIError.invalid(
                .invalidValue,
                "\(path) is class \(indices[bad]); the output [\(outputShape[0]), \(classes)] has classes 0...\(classes - 1)",
                at: path)
        }
    }

    private static func format(_ value: Double) -> String {
        value < 1e15 ? String(Int(value)) : "\(value)"
    }
}
