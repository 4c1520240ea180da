/// How a loss reduces its elementwise terms.
public enum Reduction: String, Sendable {
    case mean, sum
}

/// The losses of the contract, with PyTorch's defaults and semantics.
public enum LossKind: Sendable, Equatable {
    case mse
    case l1
    case smoothL1(beta: Double)
    case huber(delta: Double)
    /// Logits `[N, K]` against class indices `[N]` or probabilities `[N, K]`.
    case crossEntropy
    /// Log-probabilities `[N, K]` against class indices `[N]`.
    case nll
    case bceWithLogits
    /// Probabilities in [0, 1] against targets in [0, 1] (F.binary_cross_entropy).
    case bce
    /// Scores `[N, K]` against class indices: `sum_{j != y} max(0, margin - s_y + s_j)^p / K`.
    case multiMargin(p: Int, margin: Double)
    /// The course's multiclass SVM (CS231n `svm_loss`): `sum_{j != y} max(0, s_j - s_y + margin)`.
    case svm(margin: Double)
}

/// A loss target: values (same shape as the output, leading 1s may be left out) or class indices.
public enum LossTarget: Sendable, Equatable {
    case values(Tensor)
    case classIndices([Int])
}

/// A loss as a request gives it.
public struct LossSpec: Sendable, Equatable {
    public var kind: LossKind
    public var reduction: Reduction
    public var target: LossTarget
    /// cross_entropy's `label_smoothing` (0 to 1): the target mixed with the uniform distribution.
    public var labelSmoothing: Double
    public init(kind: LossKind, reduction: Reduction = .mean, target: LossTarget, labelSmoothing: Double = 0) {
        self.kind = kind
        self.reduction = reduction
        self.target = target
        self.labelSmoothing = labelSmoothing
    }
}
