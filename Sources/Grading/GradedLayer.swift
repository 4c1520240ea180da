import ConvEngine

/// What grading needs of one layer kind, beside the engine's `Layer`: the chain rule for one element
/// (explain), the mistakes students make in its backward pass (diagnosis), and its kinks (gradcheck).
/// Each kind conforms in its own file (Grading/Layers/); a kind without them does not compile.
public protocol GradedLayer: Layer {
    /// The chain rule for element `full` (full rank) of dL/d(input of layer `k`).
    func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation

    /// The chain rule for element `full` of the gradient of parameter `parameter` (`"weight"`).
    func explainParameter(_ parameter: String, in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation

    /// The mistaken backward passes a student makes at layer `k`, nearest cause first.
    func mistakes(in solution: Solution, layer k: Int) -> [Mistake]

    /// The discrete decisions the forward pass makes on `input` (which inputs of a rectifier are positive,
    /// which element wins each pooling window): where they change within +-eps, a central difference
    /// straddles a kink. Empty for smooth layers.
    func kinkDecisions(input: Tensor) -> [Int]

    /// Constant factors this layer can put into a gradient (a window size), with their causes.
    func constantFactors(layerName: String) -> [NamedFactor]
}

extension GradedLayer {
    public func constantFactors(layerName: String) -> [NamedFactor] { [] }
}

/// A layer without parameters: nothing to explain of them.
public protocol ParameterFreeLayer: GradedLayer {}

extension ParameterFreeLayer {
    public func explainParameter(_ parameter: String, in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation
    {
        preconditionFailure(
            "\(Self.typeName) has no parameter \"\(parameter)\"; GradingProblem.target(named:) never names one")
    }
}

/// A layer whose output is a smooth function of its input.
public protocol SmoothLayer: GradedLayer {}

extension SmoothLayer {
    public func kinkDecisions(input: Tensor) -> [Int] { [] }
}
