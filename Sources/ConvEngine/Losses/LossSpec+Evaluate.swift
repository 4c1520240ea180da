/// Evaluating a loss against a network's output.
extension LossSpec {
    /// The reduced loss and dL/d(output) for `output`.
    ///
    /// The target is read as the contract allows (leading 1s may be left out; class indices or
    /// probabilities for cross_entropy). Throws `EngineError` at `.loss(field:)` for a target that
    /// does not fit, a class index out of `[0, K)` or not integral, a bce_with_logits target outside
    /// `[0, 1]`, a negative `beta` or non-positive `delta`, or logits that are not `[N, K]`.
    public func evaluate(output: Tensor) throws -> (loss: Double, gradient: Tensor) {
        switch try resolvedTarget(outputShape: output.shape) {
        case .classes(let resolved):
            return ClassLoss.evaluate(kind, reduction, x: output, target: resolved, labelSmoothing: labelSmoothing)
        case .values(let t):
            if kind == .bce, let bad = output.data.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
                throw EngineError(
                    code: .invalidValue,
                    message:
                        "bce takes probabilities in [0, 1]; the network's output holds \(output.data[bad]) at flat index \(bad) (a sigmoid before it, or bce_with_logits, fits)",
                    site: .loss(field: nil))
            }
            return ElementwiseLoss.evaluate(kind, reduction, x: output, t: t)
        }
    }

    /// Throws the errors `evaluate` would for an output of `outputShape`, without computing:
    /// lets a caller refuse a bad target before running the network.
    public func validate(outputShape: [Int]) throws {
        _ = try resolvedTarget(outputShape: outputShape)
    }

    /// The target read against the output's shape: class indices/probabilities, or values at full rank.
    private enum ResolvedTarget {
        case classes(ClassTarget)
        case values(Tensor)
    }

    private func resolvedTarget(outputShape: [Int]) throws -> ResolvedTarget {
        guard outputShape.allSatisfy({ $0 >= 1 }) else {
            throw EngineError(
                code: .shapeMismatch, message: "the output \(describe(outputShape)) is empty", site: .loss(field: nil))
        }
        try checkParameters()
        switch kind {
        case .crossEntropy, .nll, .multiMargin, .svm:
            guard outputShape.count == 2 else {
                throw EngineError(
                    code: .shapeMismatch,
                    message: "\(kind.name) takes logits [N, K]; the network's output is \(describe(outputShape))",
                    site: .loss(field: nil))
            }
            return .classes(try ClassTarget.resolve(target, kind: kind, n: outputShape[0], k: outputShape[1]))
        case .mse, .l1, .smoothL1, .huber, .bceWithLogits, .bce:
            return .values(try valuesTarget(outputShape))
        }
    }

    private func valuesTarget(_ outputShape: [Int]) throws -> Tensor {
        guard case .values(let raw) = target else {
            throw EngineError(
                code: .invalidValue,
                message: "\(kind.name) takes a target tensor of the output's shape "
                    + "\(describe(outputShape)), not class indices", site: .loss(field: "target"))
        }
        let t = try LeadingOnes.expand(raw, to: outputShape, site: .loss(field: "target"), what: "target")
        if kind == .bceWithLogits || kind == .bce, let bad = t.data.first(where: { !($0 >= 0 && $0 <= 1) }) {
            throw EngineError(
                code: .invalidValue, message: "\(kind.name) targets must be in [0, 1], found \(bad)",
                site: .loss(field: "target"))
        }
        return t
    }

    private func checkParameters() throws {
        switch kind {
        case .smoothL1(let beta):
            guard beta >= 0 else {
                throw EngineError(
                    code: .invalidValue, message: "smooth_l1 beta \(beta) must be >= 0", site: .loss(field: "beta"))
            }
        case .huber(let delta):
            guard delta > 0 else {
                throw EngineError(
                    code: .invalidValue, message: "huber delta \(delta) must be > 0", site: .loss(field: "delta"))
            }
        case .multiMargin(let p, let margin):
            guard p == 1 || p == 2 else {
                throw EngineError(
                    code: .invalidValue, message: "multi_margin p \(p) must be 1 or 2", site: .loss(field: "p"))
            }
            guard margin.isFinite else {
                throw EngineError(
                    code: .invalidValue, message: "multi_margin margin \(margin) must be finite",
                    site: .loss(field: "margin"))
            }
        case .crossEntropy:
            guard labelSmoothing >= 0, labelSmoothing <= 1 else {
                throw EngineError(
                    code: .invalidValue, message: "label_smoothing \(labelSmoothing) must be in [0, 1]",
                    site: .loss(field: "label_smoothing"))
            }
        case .mse, .l1, .nll, .bceWithLogits, .bce, .svm:
            return
        }
    }
}
