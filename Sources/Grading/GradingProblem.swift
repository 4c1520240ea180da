import ConvEngine

/// A problem as the engine runs it, plus what grading needs of the request: layer names and the
/// shapes the request wrote its tensors in.
public struct GradingProblem: Sendable {
    public var network: Network
    /// Full rank: `[N, C, H, W]` or `[N, F]`.
    public var input: Tensor
    public var seed: BackwardSeed
    /// One per layer (`"0"`, `"1"`, … unless the request named them).
    public var layerNames: [String]
    /// Request tensors as written, by gradient name (`"input"`, `"0.weight"`, …). A name missing here
    /// is taken at full rank.
    public var writtenShapes: [String: [Int]]
    /// Gradient names that differ from the defaults (`"input"`, `"<layer>.weight"`,
    /// `"<layer>.bias"`), such as the short form's `"images"`, `"kernels"` and `"bias"`.
    public var renamed: [GradientTarget: String]

    public init(
        network: Network, input: Tensor, seed: BackwardSeed, layerNames: [String]? = nil,
        writtenShapes: [String: [Int]] = [:], renamed: [GradientTarget: String] = [:]
    ) {
        self.network = network; self.input = input; self.seed = seed
        self.layerNames = layerNames ?? network.layers.indices.map(String.init)
        self.writtenShapes = writtenShapes
        self.renamed = renamed
    }

    public var layers: [Layer] { network.layers }

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
    /// dL/d(weight of layer k).
    case weight(Int)
    /// dL/d(bias of layer k).
    case bias(Int)
    /// dL/d(output of layer k): the dL/dz of a layer.
    case activation(Int)
}

extension GradingProblem {
    /// Gradient names in the order /backward writes them: `input`, then each layer's weight and bias.
    public var gradientNames: [String] {
        var names = [name(of: .input)]
        for (k, layer) in layers.enumerated() {
            let (weight, bias) = layer.parameters
            if weight != nil { names.append(name(of: .weight(k))) }
            if bias != nil { names.append(name(of: .bias(k))) }
        }
        return names
    }

    /// Resolves `"input"`, `"<layer>.weight"`, `"<layer>.bias"` or a layer name.
    public func target(named name: String) -> GradientTarget? {
        if name == self.name(of: .input) { return .input }
        for (k, layerName) in layerNames.enumerated() {
            let (weight, bias) = layers[k].parameters
            if name == layerName { return .activation(k) }
            if name == self.name(of: .weight(k)), weight != nil { return .weight(k) }
            if name == self.name(of: .bias(k)), bias != nil { return .bias(k) }
        }
        return nil
    }

    /// The gradient name of a target.
    public func name(of target: GradientTarget) -> String {
        if let name = renamed[target] { return name }
        return switch target {
        case .input: "input"
        case .weight(let k): "\(layerNames[k]).weight"
        case .bias(let k): "\(layerNames[k]).bias"
        case .activation(let k): layerNames[k]
        }
    }

    /// The tensor a target is the gradient of (full rank), before the forward pass for activations.
    func parameter(of target: GradientTarget) -> Tensor? {
        switch target {
        case .input: input
        case .weight(let k): layers[k].parameters.weight
        case .bias(let k): layers[k].parameters.bias
        case .activation: nil
        }
    }
}

extension Layer {
    /// The layer's weight and bias (nil where it has none).
    var parameters: (weight: Tensor?, bias: Tensor?) {
        switch self {
        case .conv2d(let spec): (spec.weight, spec.bias)
        case .linear(let spec): (spec.weight, spec.bias)
        default: (nil, nil)
        }
    }

    /// True for layers whose backward multiplies elementwise (no mixing of positions).
    var isElementwise: Bool {
        switch self {
        case .relu, .leakyReLU, .sigmoid, .tanh: true
        default: false
        }
    }
}
