/// One kind of layer of a sequential network, with everything the engine knows of it in one place:
/// its shapes, its cost, its forward pass returning what its backward pass needs, its parameters.
///
/// A kind is added by writing one type that conforms (docs/ADDING-A-LAYER.md walks through it); the
/// other modules refine this protocol (Grading's `GradedLayer`, GradAPI's `RegisteredLayer`), so a
/// kind that misses one of their requirements does not compile.
public protocol Layer: Sendable {
    /// What `forward` saves for `backward`: the batch statistics of a normalization, a mask, an
    /// argmax; `Void` for layers whose backward pass needs only their input and output.
    associatedtype Saved: Sendable = Void

    /// The contract's name of the type, as a request's `type` writes it (openapi.yaml, `Layer`).
    static var typeName: String { get }

    /// How a request's network input is brought to full rank when this is the first layer that
    /// cares (openapi.yaml, `Problem`).
    static var inputLayout: InputLayout { get }

    /// The output shape for `inputShape`, throwing the `EngineError` that `forward` would.
    func outputShape(inputShape: [Int], _ ctx: LayerContext) throws -> [Int]

    /// What one forward and backward pass costs, for shapes `outputShape` accepted.
    func cost(inputShape: [Int], outputShape: [Int]) -> LayerCost

    /// The output, and what the backward pass needs of this pass.
    func forward(_ x: Tensor, _ ctx: LayerContext) throws -> (output: Tensor, saved: Saved)

    /// dL/d(input) and each parameter's gradient, from dL/d(output).
    ///
    /// Precondition: `input`, `output` and `saved` come from one `forward` call and `gradOutput`
    /// has the output's shape.
    func backward(_ gradOutput: Tensor, input: Tensor, output: Tensor, saved: Saved) -> LayerGradients

    /// The learnable tensors, in the order the API names their gradients (weight before bias).
    var parameters: [NamedTensor] { get }

    /// The same layer with its parameters replaced, in `parameters`' order and shapes.
    func replacingParameters(_ tensors: [Tensor]) -> Self

    /// State the layer carries between calls (running statistics), as updated by the pass that saved
    /// `saved`; buffers get no gradients.
    func updatedBuffers(_ saved: Saved) -> [NamedTensor]
}

extension Layer {
    public var parameters: [NamedTensor] { [] }
    public func replacingParameters(_ tensors: [Tensor]) -> Self { self }
    public func updatedBuffers(_ saved: Saved) -> [NamedTensor] { [] }

    /// The contract's name of this layer's type.
    public var typeName: String { Self.typeName }

    /// The output only, for callers that will not run the backward pass; errors name layer `index`.
    public func forward(_ x: Tensor, index: Int = 0) throws -> Tensor {
        try forward(x, LayerContext(index: index, type: Self.typeName)).output
    }

    /// The output shape; errors name layer `index`.
    public func outputShape(inputShape: [Int], index: Int = 0) throws -> [Int] {
        try outputShape(inputShape: inputShape, LayerContext(index: index, type: Self.typeName))
    }

    /// The forward pass, with its backward pass bound to what it saved.
    func step(_ x: Tensor, index: Int) throws -> LayerStep {
        try step(x, LayerContext(index: index, type: Self.typeName))
    }

    func step(_ x: Tensor, _ ctx: LayerContext) throws -> LayerStep {
        let (output, saved) = try forward(x, ctx)
        return LayerStep(output: output, buffers: updatedBuffers(saved)) { gradOutput in
            backward(gradOutput, input: x, output: output, saved: saved)
        }
    }
}

/// A layer whose backward pass needs nothing but its input and output (elementwise activations,
/// reshapes): it writes `output` and `gradients`, and the protocol saves nothing.
public protocol StatelessLayer: Layer where Saved == Void {
    func output(_ x: Tensor, _ ctx: LayerContext) throws -> Tensor
    func gradients(_ gradOutput: Tensor, input: Tensor, output: Tensor) -> LayerGradients
}

extension StatelessLayer {
    public func forward(_ x: Tensor, _ ctx: LayerContext) throws -> (output: Tensor, saved: Void) {
        (try output(x, ctx), ())
    }

    public func backward(_ gradOutput: Tensor, input: Tensor, output: Tensor, saved: Void) -> LayerGradients {
        gradients(gradOutput, input: input, output: output)
    }
}

/// How the API brings a network's input to the rank the first shape-bearing layer takes.
public enum InputLayout: Sendable, Equatable {
    /// `[H, W]`, `[C, H, W]` or `[N, C, H, W]`, leading dims 1 when left out.
    case image
    /// `[in]` or `[N, in]`.
    case features
    /// `[L]`, `[C, L]` or `[N, C, L]`, leading dims 1 when left out.
    case sequence
    /// `[N, ...]` with 2 to 4 dims, taken as written.
    case batchFirst
    /// Any shape: the layer does not decide (elementwise layers).
    case any
}

/// A tensor with the name the API gives it after the layer's name: `"weight"`, `"running_mean"`.
public struct NamedTensor: Sendable, Equatable {
    public var name: String
    public var tensor: Tensor
    public init(_ name: String, _ tensor: Tensor) {
        self.name = name
        self.tensor = tensor
    }
}

/// One layer's backward pass: dL/d(input), and each parameter's gradient under the parameter's name,
/// in `parameters`' order.
public struct LayerGradients: Sendable {
    public var input: Tensor
    public var parameters: [NamedTensor]
    public init(input: Tensor, parameters: [NamedTensor] = []) {
        self.input = input
        self.parameters = parameters
    }

    /// Zeros of the input's and the parameters' shapes: the answer to shapes that do not fit, which
    /// a validated problem never has.
    static func zeros(input: [Int], parameters: [NamedTensor]) -> LayerGradients {
        LayerGradients(
            input: Tensor(shape: input),
            parameters: parameters.map { NamedTensor($0.name, Tensor(shape: $0.tensor.shape)) })
    }
}

/// What one forward plus backward pass costs, in floating point so that no product can trap.
public struct LayerCost: Sendable, Equatable {
    /// Multiply-adds (or comparable operations) of the forward and the backward pass together.
    public var work: Double
    /// The largest tensor the layer holds beside its input and output (a padded input), in elements.
    public var scratchElements: Double
    public init(work: Double, scratchElements: Double = 0) {
        self.work = work
        self.scratchElements = scratchElements
    }
}

/// A forward pass whose backward pass is bound to what it saved.
struct LayerStep {
    var output: Tensor
    var buffers: [NamedTensor]
    var backward: LayerBackward
    /// This layer's and the next one's backward passes as one (LayerFusion.swift), when they ran fused.
    var backwardWithNext: FusedBackward? = nil
}

/// A layer's backward pass bound to the forward pass it belongs to: dL/d(output) in, gradients out.
public typealias LayerBackward = @Sendable (Tensor) -> LayerGradients

/// The element count of `shape` in floating point, for costs.
func elementCount(_ shape: [Int]) -> Double { shape.reduce(1.0) { $0 * Double($1) } }

extension Layer {
    /// How this layer's kind takes a network input.
    public var inputLayout: InputLayout { Self.inputLayout }
}
