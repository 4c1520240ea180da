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

    public init(output: Tensor, activations: [Tensor], loss: Double?) {
        self.output = output; self.activations = activations; self.loss = loss
    }
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

    public init(
        output: Tensor, activations: [Tensor], loss: Double?, inputGradient: Tensor,
        parameterGradients: [ParameterGradients], activationGradients: [Tensor]
    ) {
        self.output = output; self.activations = activations; self.loss = loss
        self.inputGradient = inputGradient; self.parameterGradients = parameterGradients
        self.activationGradients = activationGradients
    }
}

/// A sequential network (torch.nn.Sequential) run forward and backward in float64.
///
/// The input is full rank: `[N, C, H, W]` when the first shape-bearing layer is spatial, `[N, F]`
/// when it is linear. Errors are `EngineError`s naming the layer and both shapes.
public struct Network: Sendable {
    public var layers: [Layer]

    public init(layers: [Layer]) { self.layers = layers }

    /// Runs every layer in order; with a loss, evaluates it on the output.
    ///
    /// Checks `cancel` before each layer and throws `CancelledError` when it says stop.
    public func forward(_ input: Tensor, loss: LossSpec? = nil, cancel: CancellationCheck? = nil) throws -> ForwardResult {
        try validate(inputShape: input.shape, seed: loss.map { .loss($0) })
        let activations = try run(input, cancel: cancel)
        let output = activations.last ?? input
        let value = try loss.map { try $0.evaluate(output: output).loss }
        return ForwardResult(output: output, activations: activations, loss: value)
    }

    /// The forward pass, then the chain rule layer by layer from the last:
    /// `dL/d(input of i) = backward_i(dL/d(output of i))`, collecting parameter gradients.
    ///
    /// The seed is a loss (its gradient starts the pass) or dL/d(output) given directly (its shape
    /// may leave out the output's leading 1s; errors at `.gradOutput`).
    public func backward(_ input: Tensor, seed: BackwardSeed, cancel: CancellationCheck? = nil) throws -> BackwardResult {
        try validate(inputShape: input.shape, seed: seed)
        let activations = try run(input, cancel: cancel)
        let output = activations.last ?? input
        var (loss, gradient) = try start(seed, output: output)
        var parameterGradients = [ParameterGradients](repeating: ParameterGradients(), count: layers.count)
        var activationGradients = [Tensor](repeating: Tensor(shape: []), count: layers.count)
        for i in layers.indices.reversed() {
            if cancel?() == true { throw CancelledError() }
            activationGradients[i] = gradient
            let layerInput = i == 0 ? input : activations[i - 1]
            let step = layers[i].backward(input: layerInput, output: activations[i], gradOutput: gradient)
            parameterGradients[i] = step.parameters
            gradient = step.input
        }
        return BackwardResult(
            output: output, activations: activations, loss: loss, inputGradient: gradient,
            parameterGradients: parameterGradients, activationGradients: activationGradients)
    }

    /// Throws every error `forward`/`backward` would for these shapes and this seed, before any
    /// arithmetic: each layer's shapes, then the loss target or grad_output against the output shape.
    public func validate(inputShape: [Int], seed: BackwardSeed?) throws {
        guard inputShape.allSatisfy({ $0 >= 1 }) else {
            throw EngineError(code: "shape_mismatch", message: "input \(describe(inputShape)) is empty", site: .input)
        }
        let outputShape = try outputShapes(inputShape: inputShape).last ?? inputShape
        switch seed {
        case .loss(let spec): try spec.validate(outputShape: outputShape)
        case .gradOutput(let g): try LeadingOnes.check(g.shape, outputShape, site: .gradOutput, what: "grad_output")
        case nil: return
        }
    }

    /// Each layer's output, in order.
    private func run(_ input: Tensor, cancel: CancellationCheck?) throws -> [Tensor] {
        var activations: [Tensor] = []
        activations.reserveCapacity(layers.count)
        var x = input
        for (i, layer) in layers.enumerated() {
            if cancel?() == true { throw CancelledError() }
            x = try layer.forward(x, index: i)
            activations.append(x)
        }
        return activations
    }

    /// The loss (if any) and dL/d(output) that start the backward pass.
    private func start(_ seed: BackwardSeed, output: Tensor) throws -> (Double?, Tensor) {
        switch seed {
        case .loss(let spec):
            let evaluated = try spec.evaluate(output: output)
            return (evaluated.loss, evaluated.gradient)
        case .gradOutput(let g):
            return (nil, try LeadingOnes.expand(g, to: output.shape, site: .gradOutput, what: "grad_output"))
        }
    }
}
