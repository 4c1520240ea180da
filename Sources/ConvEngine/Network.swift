/// Tells a long computation whether its client is gone; checked between layers.
public typealias CancellationCheck = @Sendable () -> Bool

/// What starts the backward pass: a loss, or dL/d(output) given directly.
public enum BackwardSeed: Sendable {
    case loss(LossSpec)
    /// dL/d(output): the output's shape, or it with leading 1s left out.
    case gradOutput(Tensor)
}

/// Gradients of one layer's parameters (nil where the layer has none).
public struct ParameterGradients: Sendable, Equatable {
    public var weight: Tensor?
    public var bias: Tensor?
    public init(weight: Tensor? = nil, bias: Tensor? = nil) { self.weight = weight; self.bias = bias }
}

public struct ForwardResult: Sendable {
    public var output: Tensor
    /// Each layer's output, in layer order (the last is `output`).
    public var activations: [Tensor]
    public var loss: Double?
}

public struct BackwardResult: Sendable {
    public var output: Tensor
    public var activations: [Tensor]
    public var loss: Double?
    /// dL/d(input), in the input's shape.
    public var inputGradient: Tensor
    /// Per layer, in layer order; parameter gradients have the parameters' shapes.
    public var parameterGradients: [ParameterGradients]
    /// dL/d(output of layer i), per layer: the dL/dz a student asks about.
    public var activationGradients: [Tensor]
}

/// A sequential network (torch.nn.Sequential) run forward and backward in float64.
///
/// The input is full rank: `[N, C, H, W]` when the first shape-bearing layer is spatial, `[N, F]`
/// when it is linear. Errors are `EngineError`s naming the layer and both shapes.
public struct Network: Sendable {
    public var layers: [Layer]

    public init(layers: [Layer]) { self.layers = layers }

    public func forward(_ input: Tensor, loss: LossSpec? = nil, cancel: CancellationCheck? = nil) throws -> ForwardResult {
        throw EngineError(code: "not_implemented", message: "forward is not implemented yet", site: .input)
    }

    public func backward(_ input: Tensor, seed: BackwardSeed, cancel: CancellationCheck? = nil) throws -> BackwardResult {
        throw EngineError(code: "not_implemented", message: "backward is not implemented yet", site: .input)
    }
}
