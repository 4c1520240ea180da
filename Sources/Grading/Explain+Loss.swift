import ConvEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The last link of the chain: dL/d(network output) is the loss's own derivative (or the given
/// grad_output).
extension Solution {
    func explainOutput(_ full: [Int]) -> Explanation {
        let y = backward.output
        let value = upstream(problem.layers.count - 1)[full]
        let symbol = "dL/d" + Self.symbol("z", full, y.shape)
        let lhs = "dL/dY[\(TensorIndex.text(full))]"
        guard let loss = problem.loss else {
            let up = ExplainFactor(of: "grad_output", index: full, value: value)
            return Explanation(
                of: "", index: [], value: 0, formula: "\(lhs) = grad_output[\(TensorIndex.text(full))]",
                board: "\(symbol) = grad_output\(TensorIndex.ravel(full, y.shape) + 1)",
                terms: [ExplainTerm(up, .constant(1))])
        }
        let formula = LossDerivative(loss: loss, output: y).formula(at: full)
        let up = ExplainFactor(of: "loss", index: full, value: value, formula: formula)
        return Explanation(
            of: "", index: [], value: 0, formula: "\(lhs) = \(formula)", board: "\(symbol) = \(formula)",
            terms: [ExplainTerm(up, .constant(1))])
    }
}

/// dL/dy_hat of each loss, as a formula with the element's numbers filled in.
struct LossDerivative {
    var loss: LossSpec
    var output: Tensor

    /// The divisor of the mean reduction: all elements, or the batch size N for the class losses.
    var divisor: Int {
        guard loss.reduction == .mean else { return 1 }
        switch loss.kind {
        case .crossEntropy, .nll, .multiMargin, .svm: return output.rank >= 1 ? output.shape[0] : 1
        case .mse, .l1, .smoothL1, .huber, .bceWithLogits, .bce: return output.count
        }
    }

    func formula(at full: [Int]) -> String {
        let flat = TensorIndex.ravel(full, output.shape)
        let yHat = output.data[flat]
        let over = loss.reduction == .mean ? " / \(divisor)" : ""
        let n = loss.reduction == .mean ? " / n" : ""
        switch (loss.kind, loss.target) {
        case (.mse, .values(let t)):
            return "2 * (y_hat - y)\(n) = 2 * (\(yHat) - \(t.data[flat]))\(over)"
        case (.l1, .values(let t)):
            return "sign(y_hat - y)\(n) = sign(\(yHat) - \(t.data[flat]))\(over)"
        case (.smoothL1(let beta), .values(let t)):
            return
                "(y_hat - y) / beta\(n) if |y_hat - y| < beta, else sign(y_hat - y)\(n); y_hat = \(yHat), y = \(t.data[flat]), beta = \(beta)\(over.isEmpty ? "" : ", n = \(divisor)")"
        case (.huber(let delta), .values(let t)):
            return
                "(y_hat - y)\(n) if |y_hat - y| <= delta, else delta * sign(y_hat - y)\(n); y_hat = \(yHat), y = \(t.data[flat]), delta = \(delta)\(over.isEmpty ? "" : ", n = \(divisor)")"
        case (.bceWithLogits, .values(let t)):
            return "(sigmoid(y_hat) - y)\(n) = (sigmoid(\(yHat)) - \(t.data[flat]))\(over)"
        case (.bce, .values(let t)):
            return
                "(y_hat - y) / ((1 - y_hat) * y_hat)\(n) = (\(yHat) - \(t.data[flat])) / ((1 - \(yHat)) * \(yHat))\(over)"
        case (.crossEntropy, .classIndices(let t)) where loss.labelSmoothing > 0:
            let e = loss.labelSmoothing
            let k = output.shape[1]
            let smoothed = (t[full[0]] == full[1] ? 1 - e : 0) + e / Double(k)
            return
                "(softmax(y_hat)[n,k] - ((1 - e) [k == target] + e / K))\(n.isEmpty ? "" : " / N") = (\(softmax(full)) - \(smoothed))\(over); e = \(e), K = \(k)"
        case (.multiMargin(let p, let margin), .classIndices(let t)):
            return marginFormula(full, t[full[0]], margin: margin, power: p, perClass: true, over: over)
        case (.svm(let margin), .classIndices(let t)):
            return marginFormula(full, t[full[0]], margin: margin, power: 1, perClass: false, over: over)
        case (.crossEntropy, .classIndices(let t)):
            let isTarget = t[full[0]] == full[1] ? 1 : 0
            return
                "(softmax(y_hat)[n,k] - [k == target])\(n.isEmpty ? "" : " / N") = (\(softmax(full)) - \(isTarget))\(over)"
        case (.crossEntropy, .values(let t)):
            let rowSum = (0..<output.shape[1]).reduce(0.0) { $0 + t.data[full[0] * output.shape[1] + $1] }
            return
                "(softmax(y_hat)[n,k] * sum_k t[n,k] - t[n,k])\(n.isEmpty ? "" : " / N") = (\(softmax(full)) * \(rowSum) - \(t.data[flat]))\(over)"
        case (.nll, .classIndices(let t)):
            return "-[k == target]\(n.isEmpty ? "" : " / N") = -\(t[full[0]] == full[1] ? 1 : 0)\(over)"
        case (.mse, .classIndices), (.l1, .classIndices), (.smoothL1, .classIndices), (.huber, .classIndices),
            (.bceWithLogits, .classIndices), (.bce, .classIndices), (.nll, .values), (.multiMargin, .values),
            (.svm, .values):
            return "dL/dy_hat"  // never decoded: these losses take the other target form
        }
    }

    /// A margin loss's derivative at `(n, k)`: a wrong class with a positive margin `z_k` gets
    /// `z_k^(p-1) p / K` (svm: 1); the target class gets minus their sum.
    private func marginFormula(_ full: [Int], _ target: Int, margin: Double, power: Int, perClass: Bool, over: String)
        -> String
    {
        let k = output.shape[1]
        let base = full[0] * k
        let z = { (j: Int) in margin - output.data[base + target] + output.data[base + j] }
        let perK = perClass ? " / K" : ""
        guard full[1] == target else {
            return
                "[z_k > 0] * \(power == 1 ? "1" : "2 z_k")\(perK), z_k = margin - y_hat[target] + y_hat[k] = \(z(full[1]))\(over)"
        }
        let positive = (0..<k).filter { $0 != target && z($0) > 0 }
        return
            "-sum over j != target with z_j > 0 of \(power == 1 ? "1" : "2 z_j")\(perK); \(positive.count) of the \(k - 1) margins are positive\(over)"
    }

    /// softmax of row `n` at column `k`, through the max-shifted exponentials.
    private func softmax(_ full: [Int]) -> Double {
        let k = output.shape[1]
        let row = Array(output.data[(full[0] * k)..<((full[0] + 1) * k)])
        let top = row.max() ?? 0
        let exps = row.map { exp($0 - top) }
        return exps[full[1]] / exps.reduce(0, +)
    }
}
