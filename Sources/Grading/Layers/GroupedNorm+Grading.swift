import ConvEngine

/// layernorm and groupnorm in grading: every output of a group depends on every input of it, so
/// dL/dX[i] sums over the group with `dY[j]/dX[i] = weight[a_j] * invstd / m * (m [i = j] - 1 - xhat_i xhat_j)`.
/// The mistake is the group's statistics treated as constants.
extension LayerNorm: GradedLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        solution.groupedNormInput(k, self, full)
    }

    public func explainParameter(_ parameter: String, in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation
    {
        solution.groupedNormParameter(k, self, parameter, full)
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] { solution.groupedNormMistakes(k, self) }
}

extension GroupNorm: GradedLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        solution.groupedNormInput(k, self, full)
    }

    public func explainParameter(_ parameter: String, in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation
    {
        solution.groupedNormParameter(k, self, parameter, full)
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] { solution.groupedNormMistakes(k, self) }
}

extension DiagnosisCode {
    public static let normStatisticsConstant = DiagnosisCode(rawValue: "norm_statistics_constant")
}

extension Solution {
    fileprivate func groupedNormInput<L: GroupedNormLayer>(_ m: Int, _ layer: L, _ full: [Int]) -> Explanation {
        let x = layerInput(m)
        let dZ = upstream(m)
        let groups = layer.layout(x.shape)
        let stats = layer.statistics(of: x)
        let i = TensorIndex.ravel(full, x.shape)
        let g = i / groups.size
        let xhat = { (j: Int) in (x.data[j] - stats.mean[g]) * stats.invStd[g] }
        let size = Double(groups.size)
        var terms: [ExplainTerm] = []
        for j in (g * groups.size)..<((g + 1) * groups.size) {
            let w = layer.weight?.data[groups.affine(j)] ?? 1
            let value = w * stats.invStd[g] / size * ((i == j ? size : 0) - 1 - xhat(i) * xhat(j))
            let index = TensorIndex.unravel(j, x.shape)
            terms.append(
                ExplainTerm(
                    ExplainFactor(of: problem.layerNames[m], index: index, value: dZ.data[j]),
                    ExplainFactor(
                        of: "\(L.typeName)'", index: index, value: value,
                        formula:
                            "dY[j]/dX[i] = w_j*invstd/m*(m*[i=j] - 1 - xhat_i*xhat_j), w_j = \(w), invstd = \(stats.invStd[g]), m = \(groups.size), xhat_i = \(xhat(i)), xhat_j = \(xhat(j))"
                    )))
        }
        return Explanation(
            of: "", index: [], value: 0,
            formula:
                "dL/dX[\(TensorIndex.text(full))] = sum over j in its group of dL/dZ[j] * w_j*invstd/m*(m*[i=j] - 1 - xhat_i*xhat_j)",
            board: board(inputLHS(m, full), terms, up: "z", dZ.shape, local: nil, []), terms: terms)
    }

    fileprivate func groupedNormParameter<L: GroupedNormLayer>(_ m: Int, _ layer: L, _ parameter: String, _ full: [Int])
        -> Explanation
    {
        let x = layerInput(m)
        let dZ = upstream(m)
        let groups = layer.layout(x.shape)
        let stats = layer.statistics(of: x)
        let a = TensorIndex.ravel(full, layer.affineShape(x.shape))
        var terms: [ExplainTerm] = []
        for j in 0..<x.count where groups.affine(j) == a {
            let g = j / groups.size
            let index = TensorIndex.unravel(j, x.shape)
            let up = ExplainFactor(of: problem.layerNames[m], index: index, value: dZ.data[j])
            let xhat = (x.data[j] - stats.mean[g]) * stats.invStd[g]
            terms.append(
                ExplainTerm(
                    up,
                    parameter == "weight"
                        ? ExplainFactor(of: "xhat", index: index, value: xhat, formula: "(x - mean) * invstd")
                        : .constant(1)))
        }
        let symbol = parameter == "weight" ? "gamma" : "beta"
        return Explanation(
            of: "", index: [], value: 0,
            formula:
                "dL/d\(symbol)[\(TensorIndex.text(full))] = sum over the elements it scales of dL/dZ\(parameter == "weight" ? " * xhat" : "")",
            board: board("dL/d\(symbol)\(a + 1)", terms, up: "z", dZ.shape, local: nil, []), terms: terms)
    }

    fileprivate func groupedNormMistakes<L: GroupedNormLayer>(_ k: Int, _ layer: L) -> [Mistake] {
        let x = layerInput(k)
        let dY = upstream(k)
        let groups = layer.layout(x.shape)
        let stats = layer.statistics(of: x)
        return [
            Mistake(
                .normStatisticsConstant,
                "Your gradient through \(L.typeName) layer \"\(problem.layerNames[k])\" treats each group's mean and variance as constants: they depend on every input of the group, so dL/dx also has the terms -sum(u)/m and -xhat*sum(u*xhat)/m (u = dL/dy * gamma).",
                layer: k,
                inputGradient: LazyTensor(shape: x.shape) {
                    Tensor(
                        shape: x.shape,
                        data: (0..<x.count).map { i in
                            dY.data[i] * (layer.weight?.data[groups.affine(i)] ?? 1) * stats.invStd[i / groups.size]
                        })
                })
        ]
    }
}
