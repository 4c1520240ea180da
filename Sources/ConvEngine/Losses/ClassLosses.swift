/// cross_entropy and nll over logits / log-probabilities `x` of shape `[N, K]`.
///
/// - cross_entropy: `logp = log_softmax(x)` per row via a stable log-sum-exp
///   (`logp_k = (x_k - m) - log(sum_j exp(x_j - m))`, `m = max_j x_j`), then nll on `logp` for
///   indices, or `-sum_k p_k logp_k` for probabilities. dL/dx_k = `s (softmax_k - [k == t])`, or
///   `s (softmax_k sum_j p_j - p_k)`.
/// - nll: `-x[n, t_n]`; dL/dx is `-s` at the target, 0 elsewhere.
///
/// - cross_entropy with `label_smoothing` e: the target mixed with the uniform distribution,
///   `(1 - e) onehot + e / K` (or `(1 - e) p + e / K` for probabilities), as F.cross_entropy does.
/// - multi_margin (p, margin): `sum_{j != y} max(0, margin - x_y + x_j)^p / K`; where the term is
///   positive, `d/dx_j = p z^(p-1) / K` and `d/dx_y` the opposite (PyTorch's multi_margin_loss).
/// - svm (margin): `sum_{j != y} max(0, x_j - x_y + margin)`, the course's form: K x multi_margin(1).
///
/// `mean` divides by N in every case (no class weights), so `s = 1/N`; `sum` has `s = 1`.
enum ClassLoss {
    static func evaluate(
        _ kind: LossKind, _ reduction: Reduction, x: Tensor, target: ClassTarget, labelSmoothing: Double = 0
    ) -> (loss: Double, gradient: Tensor) {
        switch kind {
        case .multiMargin(let p, let margin):
            return margins(x, target, reduction, margin: margin, power: p, divisor: x.shape[1])
        case .svm(let margin): return margins(x, target, reduction, margin: margin, power: 1, divisor: 1)
        case .crossEntropy where labelSmoothing > 0: return smoothed(x, target, reduction, labelSmoothing)
        case .crossEntropy, .nll, .mse, .l1, .smoothL1, .huber, .bceWithLogits, .bce: break
        }
        let (n, k) = (x.shape[0], x.shape[1])
        let scale = reduction == .mean ? 1 / Double(n) : 1
        var total = 0.0
        var grad = [Double](repeating: 0, count: n * k)
        for row in 0..<n {
            let logits = Array(x.data[(row * k)..<((row + 1) * k)])
            let rowLoss: Double
            switch (kind, target) {
            case (.nll, .indices(let ids)):
                rowLoss = -logits[ids[row]]
                grad[row * k + ids[row]] = -scale
            case (_, .indices(let ids)):
                let logp = logSoftmax(logits)
                rowLoss = -logp[ids[row]]
                for c in 0..<k { grad[row * k + c] = scale * (Math.exponential(logp[c]) - (c == ids[row] ? 1 : 0)) }
            case (_, .probabilities(let p)):
                let logp = logSoftmax(logits)
                let probs = p.data[(row * k)..<((row + 1) * k)]
                var loss = 0.0
                var mass = 0.0
                for (c, pc) in zip(0..<k, probs) {
                    loss -= pc * logp[c]
                    mass += pc
                }
                rowLoss = loss
                for (c, pc) in zip(0..<k, probs) { grad[row * k + c] = scale * (Math.exponential(logp[c]) * mass - pc) }
            }
            total += rowLoss
        }
        return (reduction == .mean ? total / Double(n) : total, Tensor(shape: x.shape, data: grad))
    }

    /// The margin losses, per row `sum_{j != y} max(0, margin - x_y + x_j)^power / divisor`.
    private static func margins(
        _ x: Tensor, _ target: ClassTarget, _ reduction: Reduction, margin: Double, power: Int, divisor: Int
    ) -> (loss: Double, gradient: Tensor) {
        guard case .indices(let ids) = target else { preconditionFailure("margin losses take class indices") }
        let (n, k) = (x.shape[0], x.shape[1])
        let scale = (reduction == .mean ? 1 / Double(n) : 1) / Double(divisor)
        var total = 0.0
        var grad = [Double](repeating: 0, count: n * k)
        for row in 0..<n {
            let (base, y) = (row * k, ids[row])
            var rowLoss = 0.0
            for j in 0..<k where j != y {
                let z = margin - x.data[base + y] + x.data[base + j]
                guard z > 0 else { continue }
                rowLoss += power == 1 ? z : z * z
                let h = scale * (power == 1 ? 1 : 2 * z)
                grad[base + j] += h
                grad[base + y] -= h
            }
            total += rowLoss / Double(divisor)
        }
        return (reduction == .mean ? total / Double(n) : total, Tensor(shape: x.shape, data: grad))
    }

    /// cross_entropy against `(1 - e) target + e / K`.
    private static func smoothed(
        _ x: Tensor, _ target: ClassTarget, _ reduction: Reduction, _ e: Double
    ) -> (loss: Double, gradient: Tensor) {
        let (n, k) = (x.shape[0], x.shape[1])
        var mixed = [Double](repeating: e / Double(k), count: n * k)
        switch target {
        case .indices(let ids):
            for row in 0..<n {
                for c in 0..<k { mixed[row * k + c] = (c == ids[row] ? 1 - e : 0) + e / Double(k) }
            }
        case .probabilities(let p):
            for i in 0..<(n * k) { mixed[i] = (1 - e) * p.data[i] + e / Double(k) }
        }
        return evaluate(.crossEntropy, reduction, x: x, target: .probabilities(Tensor(shape: [n, k], data: mixed)))
    }

    /// `x_k - m - log(sum_j exp(x_j - m))` with `m = max x`: no overflow for any finite logits.
    static func logSoftmax(_ x: [Double]) -> [Double] {
        let m = x.max() ?? 0
        var s = 0.0
        for v in x { s += Math.exponential(v - m) }
        let logS = Math.logarithm(s)
        return x.map { ($0 - m) - logS }
    }
}
