@testable import ConvEngine

/// The single-layer passes in the shapes these tests were written against: gradients by parameter
/// name, and the backward passes of the layers that need no saved context.
extension LayerGradients {
    var weight: Tensor { parameters[0].tensor }
    var bias: Tensor? { parameters.count > 1 ? parameters[1].tensor : nil }
}

extension Array where Element == NamedTensor {
    /// The tensor named `"weight"` (`"bias"`), if any.
    var weight: Tensor? { first { $0.name == "weight" }?.tensor }
    var bias: Tensor? { first { $0.name == "bias" }?.tensor }
}

extension Layer {
    /// One layer's backward pass from its input alone, running its forward pass again for the saved
    /// context (the network keeps the context; these tests call single layers).
    func backward(input: Tensor, output: Tensor, gradOutput: Tensor) -> LayerGradients {
        guard let (_, saved) = try? forward(input, LayerContext(index: 0, type: Self.typeName)) else {
            return .zeros(input: input.shape, parameters: parameters)
        }
        return backward(gradOutput, input: input, output: output, saved: saved)
    }
}

extension Conv2d {
    func backward(input: Tensor, gradOutput: Tensor) -> LayerGradients {
        gradients(input: input, gradOutput: gradOutput)
    }
}

extension Linear {
    func backward(input: Tensor, gradOutput: Tensor) -> LayerGradients {
        gradients(gradOutput, input: input, output: gradOutput)
    }
}

extension MaxPool2d {
    func backward(input: Tensor, gradOutput: Tensor) -> Tensor {
        gradients(gradOutput, input: input, output: gradOutput).input
    }
    func outputSize(height: Int, width: Int) throws -> Pair {
        let shape = try outputShape(inputShape: [1, 1, height, width])
        return Pair(shape[2], shape[3])
    }
}

extension AvgPool2d {
    func backward(input: Tensor, gradOutput: Tensor) -> Tensor {
        gradients(gradOutput, input: input, output: gradOutput).input
    }
    func outputSize(height: Int, width: Int) throws -> Pair {
        let shape = try outputShape(inputShape: [1, 1, height, width])
        return Pair(shape[2], shape[3])
    }
}
