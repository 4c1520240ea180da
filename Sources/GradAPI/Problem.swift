import ConvEngine

/// A decoded problem: the network, its input and what seeds the backward pass, with everything needed
/// to name results as the request wrote them. /forward, /backward, /grade, /explain and /gradcheck all
/// decode the same problem (`Problem.decode`).
public struct Problem: Sendable {
    /// Which of the contract's two request forms the problem came in.
    public enum Form: Sendable, Equatable {
        /// `{"input", "layers", ...}`
        case layers
        /// The design card's `{"images", "kernels", "bias"?, ...}`: a one-layer conv.
        case short
    }

    public var form: Form
    /// The layers in order, each a kind of `LayerRegistry`.
    public var layers: [any RegisteredLayer]
    /// The input at the rank the engine takes: `[N, C, H, W]` before a spatial layer, `[N, F]` before a dense one.
    public var input: Tensor
    /// `"input"`, or `"images"` in the short form: the input's gradient name and request path.
    public var inputName: String
    /// The input's shape as the request wrote it; its gradient is returned in this shape.
    public var inputWrittenShape: [Int]
    /// One name per layer: the request's `name`, or the layer's index (`"0"`, `"1"`, ...).
    public var layerNames: [String]
    /// Every weight and bias, in layer order (weight before bias).
    public var parameters: [ProblemParameter]
    public var loss: LossSpec?
    /// dL/d(output) given directly, as the request wrote it (leading 1s may be left out).
    public var gradOutput: Tensor?
    public var options: ResponseOptions

    /// Gradient names in response order: the input first, then parameters in layer order
    /// (`"input"`, `"0.weight"`, `"0.bias"`, `"2.weight"`, ...), as `nn.Sequential` names them.
    public var gradientNames: [String] { [inputName] + parameters.map(\.name) }

    /// The parameter called `name` (`"0.weight"`, `"kernels"`), if any.
    public func parameter(named name: String) -> ProblemParameter? {
        parameters.first { $0.name == name }
    }

    /// The index of the layer called `name`, if any.
    public func layerIndex(named name: String) -> Int? { layerNames.firstIndex(of: name) }

    /// The network the engine runs.
    public var network: Network { Network(layers: layers) }
}

/// One learnable tensor of the network and where it sits.
public struct ProblemParameter: Sendable, Equatable {
    /// Its gradient's name: `"<layer name>.weight"`, `"<layer name>.bias"`, or `"kernels"`/`"bias"` (short form).
    public var name: String
    public var layer: Int
    /// The layer's own name for it: `"weight"`, `"bias"`.
    public var role: String
    /// The shape the request wrote (a conv weight may be `[kh, kw]`); the gradient comes back in it.
    public var writtenShape: [Int]
    /// Where the request wrote it: `layers[0].weight`, `kernels`.
    public var path: JSONPath
}

/// How the response is written: tensor form and which extra results to include.
public struct ResponseOptions: Sendable, Equatable {
    public enum TensorFormat: String, Sendable, CaseIterable { case nested, flat, base64 }

    public var tensorFormat: TensorFormat = .nested
    public var activations = false
    public var activationGradients = false

    public init(tensorFormat: TensorFormat = .nested, activations: Bool = false, activationGradients: Bool = false) {
        self.tensorFormat = tensorFormat
        self.activations = activations
        self.activationGradients = activationGradients
    }
}
