/// Evaluating a loss against a network's output.
extension LossSpec {
    /// The reduced loss and dL/d(output) for `output`.
    ///
    /// The target is read as the contract allows (leading 1s may be left out; class indices or
    /// probabilities for cross_entropy). Throws `EngineError` at `.loss(field:)` for a target that
    /// does not fit, a class index out of `[0, K)` or not integral, a bce_with_logits target outside
    /// `[0, 1]`, a negative `beta` or non-positive `delta`, or logits that are not `[N, K]`.
    public func evaluate(output: Tensor) throws -> (loss: Double, gradient: Tensor) {
        guard output.count >= 1 else {
            throw EngineError(code: "shape_mismatch", message: "the output \(describe(output.shape)) is empty", site: .loss(field: nil))
        }
        switch kind {
        case .crossEntropy, .nll:
            guard output.rank == 2 else {
                throw EngineError(
                    code: "shape_mismatch",
                    message: "\(kind.name) takes logits [N, K]; the network's output is \(describe(output.shape))",
                    site: .loss(field: nil))
            }
            let resolved = try ClassTarget.resolve(target, kind: kind, n: output.shape[0], k: output.shape[1])
            return ClassLoss.evaluate(kind, reduction, x: output, target: resolved)
        case .mse, .l1, .smoothL1, .huber, .bceWithLogits:
            try checkParameters()
            let t = try valuesTarget(output.shape)
            return ElementwiseLoss.evaluate(kind, reduction, x: output, t: t)
        }
    }

    private func valuesTarget(_ outputShape: [Int]) throws -> Tensor {
        guard case .values(let raw) = target else {
            throw EngineError(
                code: "invalid_value", message: "\(kind.name) takes a target tensor of the output's shape "
                    + "\(describe(outputShape)), not class indices", site: .loss(field: "target"))
        }
        let t = try LeadingOnes.expand(raw, to: outputShape, site: .loss(field: "target"), what: "target")
        if kind == .bceWithLogits, let bad = t.data.first(where: { !($0 >= 0 && $0 <= 1) }) {
            throw EngineError(
                code: "invalid_value", message: "bce_with_logits targets must be in [0, 1], found \(bad)",
                site: .loss(field: "target"))
        }
        return t
    }

    private func checkParameters() throws {
        switch kind {
        case .smoothL1(let beta) where !(beta >= 0):
            throw EngineError(code: "invalid_value", message: "smooth_l1 beta \(beta) must be >= 0", site: .loss(field: "beta"))
        case .huber(let delta) where !(delta > 0):
            throw EngineError(code: "invalid_value", message: "huber delta \(delta) must be > 0", site: .loss(field: "delta"))
        default:
            return
        }
    }
}
