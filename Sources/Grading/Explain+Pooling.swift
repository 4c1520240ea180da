import ConvEngine

/// The chain rule through pooling: a max-pool window routes its gradient to its first maximum, an
/// average-pool window shares it out as 1/divisor.
extension Solution {
    /// `dL/dX[n,c,h,w] = sum over windows (i,j) whose first maximum is X[n,c,h,w] of dL/dZ[n,c,i,j]`.
    func maxPoolInput(_ m: Int, _ spec: MaxPool2dSpec, _ full: [Int], _ lhs: String) -> Explanation {
        let x = layerInput(m), dZ = upstream(m)
        let g = PoolGeometry(max: spec, inputShape: x.shape)
        let (n, c, h, w) = (full[0], full[1], full[2], full[3])
        let base = (n * x.shape[1] + c) * g.inH * g.inW
        var terms: [ExplainTerm] = []
        for i in 0..<g.outH {
            for j in 0..<g.outW where g.argmax(x.data, base: base, i, j) == h * g.inW + w {
                terms.append(ExplainTerm(
                    ExplainFactor(of: problem.layerNames[m], index: [n, c, i, j], value: dZ[[n, c, i, j]]),
                    ExplainFactor(of: "max'", index: inputIndex(m, full), value: 1,
                                  formula: "1: the element is the first maximum of window (\(i), \(j))")))
            }
        }
        let formula = "dL/dX[\(TensorIndex.text(full))] = sum over windows (i,j) whose first maximum is X[\(TensorIndex.text(full))] of dL/dZ[\(n),\(c),i,j]"
        return Explanation(of: "", index: [], value: 0, formula: formula,
                           board: board(lhs, terms, up: "z", dZ.shape, local: nil, []), terms: terms)
    }

    /// `dL/dX[n,c,h,w] = sum over windows (i,j) covering (h,w) of dL/dZ[n,c,i,j] / divisor(i,j)`.
    func avgPoolInput(_ m: Int, _ spec: AvgPool2dSpec, _ full: [Int], _ lhs: String) -> Explanation {
        let x = layerInput(m), dZ = upstream(m)
        let g = PoolGeometry(avg: spec, inputShape: x.shape)
        let (n, c, h, w) = (full[0], full[1], full[2], full[3])
        var terms: [ExplainTerm] = []
        for i in 0..<g.outH where g.rows(i).contains(h) {
            for j in 0..<g.outW where g.cols(j).contains(w) {
                let divisor = g.averageDivisor(i, j, countIncludePad: spec.countIncludePad)
                terms.append(ExplainTerm(
                    ExplainFactor(of: problem.layerNames[m], index: [n, c, i, j], value: dZ[[n, c, i, j]]),
                    .constant(1 / Double(divisor), formula: "1/\(divisor): window (\(i), \(j)) averages \(divisor) elements")))
            }
        }
        let formula = "dL/dX[\(TensorIndex.text(full))] = sum over windows (i,j) covering it of dL/dZ[\(n),\(c),i,j] / window size"
        return Explanation(of: "", index: [], value: 0, formula: formula,
                           board: board(lhs, terms, up: "z", dZ.shape, local: nil, []), terms: terms)
    }
}
