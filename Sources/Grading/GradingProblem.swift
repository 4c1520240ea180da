import ConvEngine

/// A problem as the engine runs it, plus what grading needs of the request: layer names and the
/// shapes the request wrote its tensors in.
public struct GradingProblem: Sendable {
    public var layers: [any GradedLayer]
    /// Full rank: `[N, C, H, W]` or `[N, F]`.
    public var input: Tensor
    public var seed: BackwardSeed
    /// One per layer (`"0"`, `"1"`, … unless the request named them).
    public var layerNames: [String]
    /// Request tensors as written, by gradient name (`"input"`, `"0.weight"`, …). A name missing here
    /// is taken at full rank.
    public var writtenShapes: [String: [Int]]
    /// Gradient names that differ from the defaults (`"input"`, `"<layer>.<parameter>"`), such as
    /// the short form's `"images"`, `"kernels"` and `"bias"`.
    public var renamed: [GradientTarget: String]

    public init(
        layers: [any GradedLayer], input: Tensor, seed: BackwardSeed, layerNames: [String]? = nil,
        writtenShapes: [String: [Int]] = [:], renamed: [GradientTarget: String] = [:]
    ) {
        self.layers = layers
        self.input = input
        self.seed = seed
        self.layerNames = layerNames ?? layers.indices.map(String.init)
        self.writtenShapes = writtenShapes
        self.renamed = renamed
    }

    /// The network the engine runs.
    public var network: Network { Network(layers: layers) }

    /// The loss, when the backward pass starts from one.
    public var loss: LossSpec? {
        if case .loss(let spec) = seed { return spec }
        return nil
    }
}

/// What a gradient name refers to.
public enum GradientTarget: Sendable, Hashable {
    /// dL/d(network input).
    case input
    /// dL/d(parameter `name` of layer k): `.parameter(0, "weight")` is `"0.weight"`.
    case parameter(Int, String)
    /// dL/d(output of layer k): the dL/dz of a layer.
    case activation(Int)
}

extension GradingProblem {
    /// Gradient names in the order /backward writes them: `input`, then each layer's parameters.
    public var gradientNames: [String] {
        [name(of: .input)] + parameterTargets.map { name(of: $0) }
    }

    /// Every parameter of every layer, in layer order.
    public var parameterTargets: [GradientTarget] {
        layers.enumerated().flatMap { k, layer in layer.parameters.map { GradientTarget.parameter(k, $0.name) } }
    }

    /// Resolves `"input"`, `"<layer>.<parameter>"` or a layer name.
    public func target(named name: String) -> GradientTarget? {
        if name == self.name(of: .input) { return .input }
        for (k, layerName) in layerNames.enumerated() {
            if name == layerName { return .activation(k) }
            for parameter in layers[k].parameters where name == self.name(of: .parameter(k, parameter.name)) {
                return .parameter(k, parameter.name)
            }
        }
        return nil
    }

    /// The gradient name of a target.
    public func name(of target: GradientTarget) -> String {
        if let name = renamed[target] { return name }
        return switch target {
        case .input: "input"
        case .parameter(let k, let parameter): "\(layerNames[k]).\(parameter)"
        case .activation(let k): layerNames[k]
        }
    }

    /// The tensor a target is the gradient of (full rank), before the forward pass for activations.
    func parameter(of target: GradientTarget) -> Tensor? {
        switch target {
        case .input: input
        case .parameter(let k, let name): layers[k].parameters.first { $0.name == name }?.tensor
        case .activation: nil
        }
    }
}
