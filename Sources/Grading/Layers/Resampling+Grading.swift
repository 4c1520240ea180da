import ConvEngine

/// adaptive_avgpool2d and upsample in grading: linear maps, so dL/dX[i] sums dL/dZ[j] times the
/// weight output j gives input i (`A[j, i]`, a row tap times a column tap). No mistakes yet.
extension AdaptiveAvgPool2d: GradedLayer, ParameterFreeLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        solution.resamplingInput(k, self, full)
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] { [] }
}

extension Upsample: GradedLayer, ParameterFreeLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        solution.resamplingInput(k, self, full)
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] { [] }
}

extension Solution {
    fileprivate func resamplingInput<L: ResamplingLayer>(_ m: Int, _ layer: L, _ full: [Int]) -> Explanation {
        let x = layerInput(m)
        let dZ = upstream(m)
        let (rows, cols) = layer.axes(x.shape, dZ.shape)
        let (n, c, h, w) = (full[0], full[1], full[2], full[3])
        var terms: [ExplainTerm] = []
        for (oh, rowTaps) in rows.enumerated() {
            for (rowInput, a) in rowTaps where rowInput == h {
                for (ow, colTaps) in cols.enumerated() {
                    for (colInput, b) in colTaps where colInput == w {
                        let index = [n, c, oh, ow]
                        terms.append(
                            ExplainTerm(
                                ExplainFactor(of: problem.layerNames[m], index: index, value: dZ[index]),
                                .constant(
                                    a * b,
                                    formula: "the weight output (\(oh), \(ow)) gives input (\(h), \(w)): \(a) * \(b)")))
                    }
                }
            }
        }
        return Explanation(
            of: "", index: [], value: 0,
            formula:
                "dL/dX[\(TensorIndex.text(full))] = sum over outputs (i,j) that read it of dL/dZ[\(n),\(c),i,j] * weight(i,j)",
            board: board(inputLHS(m, full), terms, up: "z", dZ.shape, local: nil, []), terms: terms)
    }
}
