/// Tells a long computation whether its client is gone; checked between layers.
public typealias CancellationCheck = @Sendable () -> Bool

/// What starts the backward pass: a loss, or dL/d(output) given directly.
public enum BackwardSeed: Sendable {
    case loss(LossSpec)
    /// dL/d(output): the output's shape, or it with leading 1s left out.
    case gradOutput(Tensor)
}

public struct ForwardResult: Sendable {
    public var output: Tensor
    /// Each layer's output, in layer order (the last is `output`).
    public var activations: [Tensor]
    public var loss: Double?
    /// Each layer's updated buffers (running statistics), in layer order; empty when no layer has any.
    public var buffers: [[NamedTensor]]

    public init(output: Tensor, activations: [Tensor], loss: Double?, buffers: [[NamedTensor]] = []) {
        self.output = output
        self.activations = activations
        self.loss = loss
        self.buffers = buffers
    }
}

public struct BackwardResult: Sendable {
    public var output: Tensor
    public var activations: [Tensor]
    public var loss: Double?
    /// dL/d(input), in the input's shape.
    public var inputGradient: Tensor
    /// Per layer, in layer order: each parameter's gradient under the parameter's name (`"weight"`),
    /// in the parameter's shape.
    public var parameterGradients: [[NamedTensor]]
    /// dL/d(output of layer i), per layer: the dL/dz a student asks about.
    public var activationGradients: [Tensor]
    /// Each layer's updated buffers, in layer order; empty when no layer has any.
    public var buffers: [[NamedTensor]]
    /// Each layer's backward pass bound to this forward pass: grading carries other gradients back
    /// through them without running the forward pass again.
    public var steps: [LayerBackward]

    public init(
        output: Tensor, activations: [Tensor], loss: Double?, inputGradient: Tensor,
        parameterGradients: [[NamedTensor]], activationGradients: [Tensor], buffers: [[NamedTensor]] = [],
        steps: [LayerBackward] = []
    ) {
        self.output = output
        self.activations = activations
        self.loss = loss
        self.inputGradient = inputGradient
        self.parameterGradients = parameterGradients
        self.activationGradients = activationGradients
        self.buffers = buffers
        self.steps = steps
    }
}

/// A sequential network (torch.nn.Sequential) run forward and backward in float64.
///
/// The input is full rank: `[N, C, H, W]` when the first shape-bearing layer is spatial, `[N, F]`
/// when it takes features. Errors are `EngineError`s naming the layer and both shapes.
public struct Network: Sendable {
    public var layers: [any Layer]

    public init(layers: [any Layer]) { self.layers = layers }

    /// Runs every layer in order; with a loss, evaluates it on the output.
    ///
    /// Checks `cancel` before each layer (a conv and the activation it fuses, LayerFusion.swift, count
    /// as one) and throws `CancelledError` when it says stop.
    public func forward(_ input: Tensor, loss: LossSpec? = nil, cancel: CancellationCheck? = nil) throws
        -> ForwardResult
    {
        try validate(inputShape: input.shape, seed: loss.map { .loss($0) })
        let steps = try run(input, cancel: cancel)
        let output = steps.last?.output ?? input
        let value = try loss.map { try $0.evaluate(output: output).loss }
        return ForwardResult(
            output: output, activations: steps.map(\.output), loss: value, buffers: Self.buffers(steps))
    }

    /// The forward pass, then the chain rule layer by layer from the last:
    /// `dL/d(input of i) = backward_i(dL/d(output of i))`, collecting parameter gradients.
    ///
    /// The seed is a loss (its gradient starts the pass) or dL/d(output) given directly (its shape
    /// may leave out the output's leading 1s; errors at `.gradOutput`).
    public func backward(_ input: Tensor, seed: BackwardSeed, cancel: CancellationCheck? = nil) throws -> BackwardResult
    {
        try validate(inputShape: input.shape, seed: seed)
        let steps = try run(input, cancel: cancel)
        let output = steps.last?.output ?? input
        var (loss, gradient) = try start(seed, output: output)
        var parameterGradients = [[NamedTensor]](repeating: [], count: layers.count)
        var activationGradients = [Tensor](repeating: Tensor(shape: []), count: layers.count)
        var i = layers.count - 1
        while i >= 0 {
            if cancel?() == true { throw CancelledError() }
            activationGradients[i] = gradient
            if i >= 1, let pair = steps[i - 1].backwardWithNext {
                let (second, first) = pair(gradient)
                parameterGradients[i] = second.parameters
                activationGradients[i - 1] = second.input
                parameterGradients[i - 1] = first.parameters
                gradient = first.input
                i -= 2
                continue
            }
            let step = steps[i].backward(gradient)
            parameterGradients[i] = step.parameters
            gradient = step.input
            i -= 1
        }
        return BackwardResult(
            output: output, activations: steps.map(\.output), loss: loss, inputGradient: gradient,
            parameterGradients: parameterGradients, activationGradients: activationGradients,
            buffers: Self.buffers(steps), steps: steps.map(\.backward))
    }

    /// Throws every error `forward`/`backward` would for these shapes and this seed, before any
    /// arithmetic: each layer's shapes, then the loss target or grad_output against the output shape.
    public func validate(inputShape: [Int], seed: BackwardSeed?) throws {
        guard inputShape.allSatisfy({ $0 >= 1 }) else {
            throw EngineError(code: .shapeMismatch, message: "input \(describe(inputShape)) is empty", site: .input)
        }
        let outputShape = try outputShapes(inputShape: inputShape).last ?? inputShape
        switch seed {
        case .loss(let spec): try spec.validate(outputShape: outputShape)
        case .gradOutput(let g): try LeadingOnes.check(g.shape, outputShape, site: .gradOutput, what: "grad_output")
        case nil: return
        }
    }

    /// Each layer's updated buffers, or none at all when no layer has any (most networks: no arrays).
    private static func buffers(_ steps: [LayerStep]) -> [[NamedTensor]] {
        steps.contains { !$0.buffers.isEmpty } ? steps.map(\.buffers) : []
    }

    /// Each layer's forward pass, in order, with its backward pass bound to what it saved; a layer
    /// and the activation after it run as one where the layer fuses it (LayerFusion.swift).
    private func run(_ input: Tensor, cancel: CancellationCheck?) throws -> [LayerStep] {
        var steps: [LayerStep] = []
        steps.reserveCapacity(layers.count)
        var x = input
        var i = 0
        while i < layers.count {
            if cancel?() == true { throw CancelledError() }
            if let pair = try fusedSteps(at: i, x) {
                steps.append(pair.first)
                steps[i].backwardWithNext = pair.backward
                steps.append(pair.second)
                x = pair.second.output
                i += 2
                continue
            }
            let step = try layers[i].step(x, index: i)
            x = step.output
            steps.append(step)
            i += 1
        }
        return steps
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

extension Network {
    /// Every layer's output shape for an input of `inputShape`, validating each layer in turn
    /// (the errors `forward` would throw, without computing anything).
    public func outputShapes(inputShape: [Int]) throws -> [[Int]] {
        var shapes: [[Int]] = []
        var shape = inputShape
        for (i, layer) in layers.enumerated() {
            shape = try layer.outputShape(inputShape: shape, index: i)
            shapes.append(shape)
        }
        return shapes
    }
}
