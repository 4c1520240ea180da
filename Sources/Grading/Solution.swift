import ConvEngine

/// A problem solved once: the forward values and every gradient, ready to grade any number of
/// submissions, explain elements and seed gradient checks.
public struct Solution: Sendable {
    public let problem: GradingProblem
    public let backward: BackwardResult

    /// Runs the network forward and backward once.
    public init(problem: GradingProblem, cancel: CancellationCheck? = nil) throws {
        self.problem = problem
        self.backward = try problem.network.backward(problem.input, seed: problem.seed, cancel: cancel)
    }

    /// The full-rank gradient of a target.
    public func gradient(of target: GradientTarget) -> Tensor? {
        switch target {
        case .input: backward.inputGradient
        case .parameter(let k, let name): backward.parameterGradients[k].first { $0.name == name }?.tensor
        case .activation(let k): backward.activationGradients[k]
        }
    }

    /// The shape a target's gradient is graded in: as the request wrote its tensor, full rank for
    /// activations.
    public func writtenShape(of target: GradientTarget) -> [Int] {
        let full = gradient(of: target)?.shape ?? []
        if case .activation = target { return full }
        return problem.writtenShapes[problem.name(of: target)] ?? full
    }

    /// The expected gradient of `name` in its written shape, or nil for an unknown name.
    public func expected(named name: String) -> Tensor? {
        guard let target = problem.target(named: name), let full = gradient(of: target) else { return nil }
        return full.reshaped(writtenShape(of: target))
    }

    /// The input of layer `k` (full rank): the network input or the previous layer's output.
    func layerInput(_ k: Int) -> Tensor {
        k == 0 ? problem.input : backward.activations[k - 1]
    }

    /// dL/d(output of layer k) (full rank).
    func upstream(_ k: Int) -> Tensor { backward.activationGradients[k] }

    /// The gradient of layer `k`'s parameter `name`, if it has one.
    func parameterGradient(_ k: Int, _ name: String) -> Tensor? { gradient(of: .parameter(k, name)) }
}
