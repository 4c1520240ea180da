/// One layer's forward and backward pass, dispatched to its op.
extension Layer {
    /// The contract's name of the layer type: `conv2d`, `maxpool2d`, `leaky_relu`, ...
    public var typeName: String {
        switch self {
        case .conv2d: return "conv2d"
        case .maxPool2d: return "maxpool2d"
        case .avgPool2d: return "avgpool2d"
        case .relu: return "relu"
        case .leakyReLU: return "leaky_relu"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .flatten: return "flatten"
        case .linear: return "linear"
        }
    }

    /// The elementwise activation this layer is, if it is one.
    public var activation: Activation? {
        switch self {
        case .relu: return .relu
        case .leakyReLU(let slope): return .leakyReLU(negativeSlope: slope)
        case .sigmoid: return .sigmoid
        case .tanh: return .tanh
        default: return nil
        }
    }

    /// The layer's output; errors name the layer as `index` (0 by default).
    public func forward(_ x: Tensor, index: Int = 0) throws -> Tensor {
        let ctx = LayerContext(index: index, type: typeName)
        switch self {
        case .conv2d(let spec): return try spec.forward(x, ctx)
        case .maxPool2d(let spec): return try spec.forward(x, ctx)
        case .avgPool2d(let spec): return try spec.forward(x, ctx)
        case .flatten: return x.reshaped(try Flatten.outputShape(x.shape, ctx))
        case .linear(let spec): return try spec.forward(x, ctx)
        case .relu, .leakyReLU, .sigmoid, .tanh: return activation!.forward(x)
        }
    }

    /// dL/d(input) and the parameters' gradients, from the layer's input, its output and dL/d(output).
    ///
    /// Precondition: `output == forward(input)` and `gradOutput` has its shape.
    public func backward(input: Tensor, output: Tensor, gradOutput: Tensor) -> (input: Tensor, parameters: ParameterGradients) {
        switch self {
        case .conv2d(let spec):
            let g = spec.backward(input: input, gradOutput: gradOutput)
            return (g.input, ParameterGradients(weight: g.weight, bias: g.bias))
        case .maxPool2d(let spec):
            return (spec.backward(input: input, gradOutput: gradOutput), ParameterGradients())
        case .avgPool2d(let spec):
            return (spec.backward(input: input, gradOutput: gradOutput), ParameterGradients())
        case .flatten:
            return (Flatten.backward(inputShape: input.shape, gradOutput: gradOutput), ParameterGradients())
        case .linear(let spec):
            let g = spec.backward(input: input, gradOutput: gradOutput)
            return (g.input, ParameterGradients(weight: g.weight, bias: g.bias))
        case .relu, .leakyReLU, .sigmoid, .tanh:
            return (activation!.backward(input: input, output: output, gradOutput: gradOutput), ParameterGradients())
        }
    }
}
