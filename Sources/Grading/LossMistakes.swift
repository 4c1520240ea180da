import ConvEngine

/// Mistakes in the loss's own derivative, dL/d(output): each a wrong seed that the catalog carries
/// back through every layer (it is the "layer" after the last).
extension Solution {
    func lossMistakes() -> [Mistake] {
        guard let loss = problem.loss else { return [] }
        switch (loss.kind, loss.target) {
        case (.svm, .classIndices(let targets)): return svmOwnMargin(targets, loss.reduction)
        case (.mse, _), (.l1, _), (.smoothL1, _), (.huber, _), (.crossEntropy, _), (.nll, _), (.bceWithLogits, _),
            (.bce, _),
            (.multiMargin, _), (.svm, .values):
            return []
        }
    }

    /// CS231n's vectorized svm without `margins[y] = 0`: the correct class's own margin
    /// `s_y - s_y + margin` is always positive, so it is counted, and `dscores[y]` is one
    /// (times the reduction's 1/N) too low per sample.
    private func svmOwnMargin(_ targets: [Int], _ reduction: Reduction) -> [Mistake] {
        let dOutput = upstream(problem.layers.count - 1)
        let (n, k) = (dOutput.shape[0], dOutput.shape[1])
        let scale = reduction == .mean ? 1 / Double(n) : 1
        let wrong = LazyTensor(shape: dOutput.shape) {
            var wrong = dOutput
            for row in 0..<n { wrong.data[row * k + targets[row]] -= scale }
            return wrong
        }
        return [
            Mistake(
                .svmOwnMargin,
                "Your svm gradient counts the correct class's own margin: for j = y the margin s_y - s_y + 1 is always positive, so the sum must skip it (j != y); counting it takes one more from the correct class's score gradient for every sample.",
                layer: problem.layers.count, inputGradient: wrong)
        ]
    }
}

extension DiagnosisCode {
    public static let svmOwnMargin = DiagnosisCode(rawValue: "svm_own_margin")
}
