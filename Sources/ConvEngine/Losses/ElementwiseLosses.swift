/// Losses on `d = x - t` (or on logits `x` and targets `t`) elementwise, then reduced.
///
/// Per element (PyTorch's formulas and backward kernels):
/// - mse: `d^2`, derivative `2d`
/// - l1: `|d|`, derivative `sign(d)` (0 at `d == 0`)
/// - smooth_l1(beta): `|d| < beta ? 0.5 d^2 / beta : |d| - 0.5 beta`, derivative `clamp(d / beta, -1, 1)`;
///   `beta == 0` is l1
/// - huber(delta): `|d| < delta ? 0.5 d^2 : delta (|d| - 0.5 delta)`, derivative `clamp(d, -delta, delta)`
/// - bce: `-(t max(log x, -100) + (1 - t) max(log(1 - x), -100))`, derivative
///   `(x - t) / max((1 - x) x, 1e-12)` (PyTorch's binary_cross_entropy and its backward)
/// - bce_with_logits: `(1 - t) x - log_sigmoid(x)` with `log_sigmoid(x) = min(x, 0) - log1p(exp(-|x|))`
///   (stable for any x), derivative `sigmoid(x) - t`
enum ElementwiseLoss {
    /// The loss term of one element.
    static func term(_ kind: LossKind, _ x: Double, _ t: Double) -> Double {
        let d = x - t
        switch kind {
        case .mse: return d * d
        case .l1: return abs(d)
        case .smoothL1(let beta):
            if beta == 0 { return abs(d) }
            return abs(d) < beta ? 0.5 * d * d / beta : abs(d) - 0.5 * beta
        case .huber(let delta):
            return abs(d) < delta ? 0.5 * d * d : delta * (abs(d) - 0.5 * delta)
        case .bceWithLogits:
            let logSigmoid = min(x, 0) - Math.log1p(Math.exponential(-abs(x)))
            return (1 - t) * x - logSigmoid
        case .bce:
            return -(t * max(Math.logarithm(x), -100) + (1 - t) * max(Math.logarithm(1 - x), -100))
        case .crossEntropy, .nll, .multiMargin, .svm:
            return 0
        }
    }

    /// d(term)/dx of one element.
    static func derivative(_ kind: LossKind, _ x: Double, _ t: Double) -> Double {
        let d = x - t
        switch kind {
        case .mse: return 2 * d
        case .l1: return sign(d)
        case .smoothL1(let beta):
            if beta == 0 { return sign(d) }
            return d < -beta ? -1 : (d > beta ? 1 : d / beta)
        case .huber(let delta):
            return d < -delta ? -delta : (d > delta ? delta : d)
        case .bceWithLogits:
            return 1 / (1 + Math.exponential(-x)) - t
        case .bce:
            return (x - t) / max((1 - x) * x, 1e-12)
        case .crossEntropy, .nll, .multiMargin, .svm:
            return 0
        }
    }

    private static func sign(_ d: Double) -> Double { d > 0 ? 1 : (d < 0 ? -1 : 0) }

    /// The reduced loss and dL/dx for output `x` and full-rank target `t` of one shape.
    static func evaluate(_ kind: LossKind, _ reduction: Reduction, x: Tensor, t: Tensor) -> (
        loss: Double, gradient: Tensor
    ) {
        let n = x.count
        let scale = reduction == .mean ? 1 / Double(n) : 1
        var sum = 0.0
        var grad = [Double](repeating: 0, count: n)
        for i in 0..<n {
            sum += term(kind, x.data[i], t.data[i])
            grad[i] = derivative(kind, x.data[i], t.data[i]) * scale
        }
        return (reduction == .mean ? sum / Double(n) : sum, Tensor(shape: x.shape, data: grad))
    }
}
