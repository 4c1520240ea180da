/// cross_entropy and nll over logits / log-probabilities `x` of shape `[N, K]`.
///
/// - cross_entropy: `logp = log_softmax(x)` per row via a stable log-sum-exp
///   (`logp_k = (x_k - m) - log(sum_j exp(x_j - m))`, `m = max_j x_j`), then nll on `logp` for
///   indices, or `-sum_k p_k logp_k` for probabilities. dL/dx_k = `s (softmax_k - [k == t])`, or
///   `s (softmax_k sum_j p_j - p_k)`.
/// - nll: `-x[n, t_n]`; dL/dx is `-s` at the target, 0 elsewhere.
///
/// `mean` divides by N in every case (no class weights), so `s = 1/N`; `sum` has `s = 1`.
enum ClassLoss {
    static func evaluate(
        _ kind: LossKind, _ reduction: Reduction, x: Tensor, target: ClassTarget
    ) -> (loss: Double, gradient: Tensor) {
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

    /// `x_k - m - log(sum_j exp(x_j - m))` with `m = max x`: no overflow for any finite logits.
    static func logSoftmax(_ x: [Double]) -> [Double] {
        let m = x.max() ?? 0
        var s = 0.0
        for v in x { s += Math.exponential(v - m) }
        let logS = Math.logarithm(s)
        return x.map { ($0 - m) - logS }
    }
}
