/// A classification target resolved against logits `[N, K]`.
enum ClassTarget {
    /// One class index in `[0, K)` per row.
    case indices([Int])
    /// Class probabilities, `[N, K]`.
    case probabilities(Tensor)

    /// Reads a target for logits `[N, K]` as the contract allows: indices `[N]` (a bare index `[]`
    /// when N = 1), integral floats accepted; or, for cross_entropy, probabilities `[N, K]` (`[K]`
    /// when N = 1). A rank-1 target of length K with N = 1 and K > 1 is probabilities.
    static func resolve(_ target: LossTarget, kind: LossKind, n: Int, k: Int) throws -> ClassTarget {
        let allowsProbabilities = kind == .crossEntropy  // nll, multi_margin and svm take indices only
        switch target {
        case .classIndices(let ids):
            guard ids.count == n else { throw shapeError([ids.count], kind, n, k) }
            return .indices(try ids.map { try checkedIndex(Double($0), k) })
        case .values(let t):
            if allowsProbabilities, t.shape == [n, k] || (n == 1 && k > 1 && t.shape == [k]) {
                return .probabilities(t.reshaped([n, k]))
            }
            guard t.shape == [n] || (n == 1 && t.shape == []) else { throw shapeError(t.shape, kind, n, k) }
            return .indices(try t.data.map { try checkedIndex($0, k) })
        }
    }

    private static func checkedIndex(_ value: Double, _ k: Int) throws -> Int {
        guard value.isFinite, value == value.rounded() else {
            throw EngineError(
                code: .invalidValue, message: "class index \(value) is not an integer", site: .loss(field: "target"))
        }
        guard value >= 0, value < Double(k) else {
            throw EngineError(
                code: .invalidValue, message: "class index \(Int(value)) is out of range [0, \(k)) for \(k) classes",
                site: .loss(field: "target"))
        }
        return Int(value)
    }

    private static func shapeError(_ shape: [Int], _ kind: LossKind, _ n: Int, _ k: Int) -> EngineError {
        let forms =
            kind == .crossEntropy ? "class indices [\(n)] or probabilities [\(n), \(k)]" : "class indices [\(n)]"
        return EngineError(
            code: .shapeMismatch,
            message: "target \(describe(shape)) does not fit logits \(describe([n, k])): \(kind.name) takes \(forms)",
            site: .loss(field: "target"))
    }
}

extension LossKind {
    /// The contract's name: `mse`, `smooth_l1`, `cross_entropy`, ...
    public var name: String {
        switch self {
        case .mse: return "mse"
        case .l1: return "l1"
        case .smoothL1: return "smooth_l1"
        case .huber: return "huber"
        case .crossEntropy: return "cross_entropy"
        case .nll: return "nll"
        case .bceWithLogits: return "bce_with_logits"
        case .bce: return "bce"
        case .multiMargin: return "multi_margin"
        case .svm: return "svm"
        }
    }
}
