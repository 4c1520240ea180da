import ConvEngine
import HTTP1
import JSONCodec

/// The bodies of /forward and /backward, keys in a fixed order so equal requests get equal bytes:
/// `output`, `loss`, `gradients` (the input first, then parameters in layer order), `buffers` (the
/// updated running statistics, `"<layer>.<buffer>"`, only when a layer has them), `activations`,
/// `activation_gradients` (both in layer order, keyed by layer name).
public enum ComputeResponse {
    /// A writer for an answer of about `capacity` bytes; a large one reuses a kept buffer
    /// (HTTP1.LargeBuffers: the server gives it back once the answer is written).
    static func answerWriter(capacity: Int) -> JSONWriter {
        JSONWriter(reusing: LargeBuffers.shared.take(capacity: capacity))
    }

    static func forward(_ problem: Problem, _ result: ForwardResult) throws -> [UInt8] {
        try checkFinite(output: result.output, loss: result.loss)
        var writer = answerWriter(capacity: 32 * result.output.count + 256)
        writer.beginObject()
        writeOutputAndLoss(&writer, problem, result.output, result.loss)
        try writeBuffers(&writer, problem, result.buffers)
        if problem.options.activations {
            try writeByLayer(&writer, "activations", problem, result.activations)
        }
        writer.endObject()
        return writer.bytes
    }

    static func backward(_ problem: Problem, _ result: BackwardResult) throws -> [UInt8] {
        try checkFinite(output: result.output, loss: result.loss)
        let gradients = problem.writtenGradients(result)
        for (name, gradient) in gradients { try checkFinite(gradient, "the gradient \"\(name)\"") }
        var writer = answerWriter(capacity: 32 * (result.output.count + result.inputGradient.count) + 256)
        writer.beginObject()
        writeOutputAndLoss(&writer, problem, result.output, result.loss)
        writer.key("gradients")
        writer.beginObject()
        for (name, gradient) in gradients {
            writer.key(name)
            writer.tensor(gradient, format: problem.options.tensorFormat)
        }
        writer.endObject()
        try writeBuffers(&writer, problem, result.buffers)
        if problem.options.activations {
            try writeByLayer(&writer, "activations", problem, result.activations)
        }
        if problem.options.activationGradients {
            try writeByLayer(&writer, "activation_gradients", problem, result.activationGradients)
        }
        writer.endObject()
        return writer.bytes
    }

    private static func writeOutputAndLoss(
        _ writer: inout JSONWriter, _ problem: Problem, _ output: Tensor, _ loss: Double?
    ) {
        writer.key("output")
        writer.tensor(output, format: problem.options.tensorFormat)
        if let loss {
            writer.key("loss")
            writer.number(loss)
        }
    }

    /// `"buffers": {"<layer name>.<buffer>": T, ...}` in layer order; nothing when no layer has buffers.
    private static func writeBuffers(_ writer: inout JSONWriter, _ problem: Problem, _ buffers: [[NamedTensor]]) throws
    {
        let named = zip(problem.layerNames, buffers).flatMap { layer, buffers in
            buffers.map { ("\(layer).\($0.name)", $0.tensor) }
        }
        guard !named.isEmpty else { return }
        for (name, tensor) in named { try checkFinite(tensor, "the buffer \"\(name)\"") }
        writer.key("buffers")
        writer.beginObject()
        for (name, tensor) in named {
            writer.key(name)
            writer.tensor(tensor, format: problem.options.tensorFormat)
        }
        writer.endObject()
    }

    /// `{"<layer name>": T, ...}` in layer order.
    private static func writeByLayer(_ writer: inout JSONWriter, _ key: String, _ problem: Problem, _ tensors: [Tensor])
        throws
    {
        for (name, tensor) in zip(problem.layerNames, tensors) {
            try checkFinite(tensor, "\(key) of layer \"\(name)\"")
        }
        writer.key(key)
        writer.beginObject()
        for (name, tensor) in zip(problem.layerNames, tensors) {
            writer.key(name)
            writer.tensor(tensor, format: problem.options.tensorFormat)
        }
        writer.endObject()
    }

    private static func checkFinite(output: Tensor, loss: Double?) throws {
        try checkFinite(output, "the output")
        if let loss, !loss.isFinite {
            throw APIError.invalid(.nonFiniteResult, "the loss is \(loss); the problem overflows float64", at: nil)
        }
    }

    /// 422 `non_finite_result`: JSON cannot carry the value, and it means the problem overflowed.
    public static func checkFinite(_ tensor: Tensor, _ what: String) throws {
        guard let bad = tensor.data.firstIndex(where: { !$0.isFinite }) else { return }
        let index = LossDecoder.elementPath(.root, flatIndex: bad, shape: tensor.shape).description
        throw APIError.invalid(
            .nonFiniteResult,
            "\(what) has \(tensor.data[bad]) at index \(index.isEmpty ? "[]" : index); the problem overflows float64",
            at: nil)
    }
}

extension Problem {
    /// Every gradient by name in response order, each in the shape the request wrote its tensor in.
    public func writtenGradients(_ result: BackwardResult) -> [(name: String, tensor: Tensor)] {
        var gradients = [(name: inputName, tensor: result.inputGradient.reshaped(inputWrittenShape))]
        for parameter in parameters {
            if let gradient = result.parameterGradients[parameter.layer].first(where: { $0.name == parameter.role })?
                .tensor
            {
                gradients.append((parameter.name, gradient.reshaped(parameter.writtenShape)))
            }
        }
        return gradients
    }
}
