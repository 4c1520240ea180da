import ConvEngine

/// The discrete decisions of one forward pass (each layer's `kinkDecisions`). Two passes with equal signatures lie on the same
/// smooth piece of the loss.
struct KinkSignature: Equatable {
    var decisions: [Int]

    init(problem: GradingProblem, activations: [Tensor]) {
        decisions = problem.layers.enumerated().flatMap { k, layer in
            layer.kinkDecisions(input: k == 0 ? problem.input : activations[k - 1])
        }
    }
}
