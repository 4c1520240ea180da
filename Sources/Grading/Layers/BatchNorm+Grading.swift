import ConvEngine

/// batchnorm1d and batchnorm2d in grading. In training every output of a channel depends on every
/// input of it (through the batch mean and variance), so dL/dX[i] sums over the whole channel with
/// the Jacobian entry `dY[j]/dX[i] = gamma * invstd / m * (m * [i = j] - 1 - xhat[i] * xhat[j])`;
/// in eval mode the statistics are constants and one term remains. The mistakes are the three the
/// courses grade: the statistics treated as constants, the unbiased variance, gamma forgotten.
extension BatchNorm1d: GradedLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        solution.batchNormInput(k, self, full)
    }

    public func explainParameter(_ parameter: String, in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation
    {
        solution.batchNormParameter(k, self, parameter, channel: full[0])
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] { solution.batchNormMistakes(k, self) }
}

extension BatchNorm2d: GradedLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        solution.batchNormInput(k, self, full)
    }

    public func explainParameter(_ parameter: String, in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation
    {
        solution.batchNormParameter(k, self, parameter, channel: full[0])
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] { solution.batchNormMistakes(k, self) }
}

extension DiagnosisCode {
    public static let batchStatisticsConstant = DiagnosisCode(rawValue: "batchnorm_statistics_constant")
    public static let unbiasedVariance = DiagnosisCode(rawValue: "batchnorm_unbiased_variance")
    public static let gammaForgotten = DiagnosisCode(rawValue: "batchnorm_gamma_forgotten")
}

extension Solution {
    /// `dL/dX[i] = sum over j in the channel of dL/dZ[j] * dY[j]/dX[i]`.
    fileprivate func batchNormInput<L: BatchNormLayer>(_ m: Int, _ layer: L, _ full: [Int]) -> Explanation {
        let x = layerInput(m)
        let dZ = upstream(m)
        let planes = ChannelPlanes(x.shape)
        let stats = layer.statistics(of: x)
        let c = full[1]
        let i = TensorIndex.ravel(full, x.shape)
        let (gamma, invStd, count) = (layer.spec.weight?.data[c] ?? 1, stats.invStd[c], Double(stats.count))
        let xhat = { (flat: Int) in (x.data[flat] - stats.mean[c]) * invStd }
        let name = "\(L.typeName)'"
        var terms: [ExplainTerm] = []
        func term(_ j: Int, _ value: Double, _ formula: String) {
            let index = TensorIndex.unravel(j, x.shape)
            terms.append(
                ExplainTerm(
                    ExplainFactor(of: problem.layerNames[m], index: index, value: dZ.data[j]),
                    ExplainFactor(of: name, index: index, value: value, formula: formula)))
        }
        if layer.spec.training {
            planes.forEach(c) { j in
                let jacobian = gamma * invStd / count * ((j == i ? count : 0) - 1 - xhat(i) * xhat(j))
                term(
                    j, jacobian,
                    "dY[j]/dX[i] = gamma*invstd/m*(m*[i=j] - 1 - xhat_i*xhat_j), gamma = \(gamma), invstd = \(invStd), m = \(stats.count), xhat_i = \(xhat(i)), xhat_j = \(xhat(j))"
                )
            }
        } else {
            term(
                i, gamma * invStd,
                "gamma*invstd (eval: the running statistics are constants), gamma = \(gamma), invstd = \(invStd)")
        }
        let formula =
            layer.spec.training
            ? "dL/dX[\(TensorIndex.text(full))] = sum over j in channel \(c) of dL/dZ[j] * gamma*invstd/m*(m*[i=j] - 1 - xhat_i*xhat_j)"
            : "dL/dX[\(TensorIndex.text(full))] = dL/dZ[\(TensorIndex.text(full))] * gamma*invstd"
        return Explanation(
            of: "", index: [], value: 0, formula: formula,
            board: board(inputLHS(m, full), terms, up: "z", dZ.shape, local: nil, []), terms: terms)
    }

    /// `dL/dgamma[c] = sum over n, s of dL/dZ[n,c,s] * xhat[n,c,s]`; `dL/dbeta[c] = sum of dL/dZ[n,c,s]`.
    fileprivate func batchNormParameter<L: BatchNormLayer>(_ m: Int, _ layer: L, _ parameter: String, channel c: Int)
        -> Explanation
    {
        let x = layerInput(m)
        let dZ = upstream(m)
        let planes = ChannelPlanes(x.shape)
        let stats = layer.statistics(of: x)
        var terms: [ExplainTerm] = []
        planes.forEach(c) { j in
            let index = TensorIndex.unravel(j, x.shape)
            let up = ExplainFactor(of: problem.layerNames[m], index: index, value: dZ.data[j])
            let xhat = (x.data[j] - stats.mean[c]) * stats.invStd[c]
            terms.append(
                ExplainTerm(
                    up,
                    parameter == "weight"
                        ? ExplainFactor(of: "xhat", index: index, value: xhat, formula: "(x - mean) * invstd")
                        : .constant(1)))
        }
        let symbol = parameter == "weight" ? "gamma" : "beta"
        let sum = parameter == "weight" ? "dL/dZ[n,\(c),s] * xhat[n,\(c),s]" : "dL/dZ[n,\(c),s]"
        return Explanation(
            of: "", index: [], value: 0, formula: "dL/d\(symbol)[\(c)] = sum over n,s of \(sum)",
            board: board("dL/d\(symbol)\(c + 1)", terms, up: "z", dZ.shape, local: nil, []), terms: terms)
    }

    fileprivate func batchNormMistakes<L: BatchNormLayer>(_ k: Int, _ layer: L) -> [Mistake] {
        let x = layerInput(k)
        let dY = upstream(k)
        let name = "batch norm layer \"\(problem.layerNames[k])\""
        var found: [Mistake] = []
        if layer.spec.training {
            let stats = layer.statistics(of: x)
            let planes = ChannelPlanes(x.shape)
            found.append(
                Mistake(
                    .batchStatisticsConstant,
                    "Your gradient through \(name) treats the batch mean and variance as constants: in training they depend on every input of the channel, so dL/dx also has the terms -sum(g)/m and -xhat*sum(g*xhat)/m (g = dL/dy * gamma).",
                    layer: k,
                    inputGradient: LazyTensor(shape: x.shape) {
                        var dX = Tensor(shape: x.shape)
                        for c in 0..<planes.channels {
                            let scale = (layer.spec.weight?.data[c] ?? 1) * stats.invStd[c]
                            planes.forEach(c) { i in dX.data[i] = dY.data[i] * scale }
                        }
                        return dX
                    }))
            found.append(
                Mistake(
                    .unbiasedVariance,
                    "Your gradient through \(name) normalizes with the unbiased variance (divided by m - 1); batch norm normalizes with the biased one (divided by m), and uses m - 1 only to update running_var.",
                    layer: k,
                    inputGradient: LazyTensor(shape: x.shape) {
                        let m = Double(stats.count)
                        let unbiased = BatchNormStatistics(
                            mean: stats.mean,
                            invStd: stats.batchVariance.map { 1 / (($0 * m / (m - 1) + layer.spec.eps).squareRoot()) },
                            batchVariance: stats.batchVariance, count: stats.count)
                        return layer.backward(dY, input: x, output: dY, saved: unbiased).input
                    }))
        }
        if let gamma = layer.spec.weight, gamma.data.contains(where: { $0 != 1 }) {
            var noGamma = layer
            noGamma.spec.weight = nil
            found.append(
                Mistake(
                    .gammaForgotten,
                    "Your input gradient through \(name) leaves out gamma: y = gamma * xhat + beta, so dL/dxhat = dL/dy * gamma before it goes back through the normalization.",
                    layer: k,
                    inputGradient: LazyTensor(shape: x.shape) {
                        noGamma.backward(dY, input: x, output: dY, saved: noGamma.statistics(of: x)).input
                    }))
        }
        return found
    }
}
