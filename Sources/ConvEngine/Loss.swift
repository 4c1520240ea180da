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
    public init(kind: LossKind, reduction: Reduction = .mean, target: LossTarget) {
        self.kind = kind; self.reduction = reduction; self.target = target
    }
}
