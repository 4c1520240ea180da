import ConvEngine

/// avgpool2d in grading: each window shares its gradient out as 1/divisor.
extension AvgPool2d: GradedLayer, ParameterFreeLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        solution.avgPoolInput(k, self, full, solution.inputLHS(k, full))
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] { [] }

    public func constantFactors(layerName: String) -> [NamedFactor] {
        windowFactors(
            kernel, cause: "average pooling (layer \"\(layerName)\") divides each window's gradient by its size kh*kw")
    }

    func geometry(inputShape: [Int]) -> PoolGeometry {
        PoolGeometry(
            kernel: kernel, stride: stride, padding: padding, dilation: Pair(1), inputShape: inputShape,
            outputShape: (try? outputShape(inputShape: inputShape)) ?? [0, 0, 0, 0])
    }
}

extension Solution {
    /// `dL/dX[n,c,h,w] = sum over windows (i,j) covering (h,w) of dL/dZ[n,c,i,j] / divisor(i,j)`.
    func avgPoolInput(_ m: Int, _ spec: AvgPool2d, _ full: [Int], _ lhs: String) -> Explanation {
        let x = layerInput(m)
        let dZ = upstream(m)
        let g = spec.geometry(inputShape: x.shape)
        let (n, c, h, w) = (full[0], full[1], full[2], full[3])
        var terms: [ExplainTerm] = []
        for i in 0..<g.outH where g.rows(i).contains(h) {
            for j in 0..<g.outW where g.cols(j).contains(w) {
                let divisor = g.averageDivisor(i, j, countIncludePad: spec.countIncludePad)
                terms.append(
                    ExplainTerm(
                        ExplainFactor(of: problem.layerNames[m], index: [n, c, i, j], value: dZ[[n, c, i, j]]),
                        .constant(
                            1 / Double(divisor),
                            formula: "1/\(divisor): window (\(i), \(j)) averages \(divisor) elements")))
            }
        }
        let formula =
            "dL/dX[\(TensorIndex.text(full))] = sum over windows (i,j) covering it of dL/dZ[\(n),\(c),i,j] / window size"
        return Explanation(
            of: "", index: [], value: 0, formula: formula,
            board: board(lhs, terms, up: "z", dZ.shape, local: nil, []), terms: terms)
    }
}
