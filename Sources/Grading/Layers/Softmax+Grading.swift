import ConvEngine

#if canImport(Glibc)
    import Glibc
#endif

/// softmax and log_softmax in grading: every output of a slice depends on every input of it, so
/// dL/dX[i] sums over the slice with the Jacobian entry (softmax: `y_j * ([i = j] - y_i)`;
/// log_softmax: `[i = j] - softmax_i`); the mistake is keeping only the Jacobian's diagonal.
extension Softmax: GradedLayer, ParameterFreeLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        solution.explainSoftmax(k, self, full)
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] { solution.softmaxDiagonal(k, self) }
}

extension LogSoftmax: GradedLayer, ParameterFreeLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        solution.explainSoftmax(k, self, full)
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] { solution.softmaxDiagonal(k, self) }
}

extension DiagnosisCode {
    public static let softmaxDiagonal = DiagnosisCode(rawValue: "softmax_jacobian_diagonal")
}

extension Solution {
    /// The flat indices of the slice along `layer`'s dim that holds flat element `i`.
    fileprivate func slice<L: SoftmaxLayer>(_ layer: L, _ shape: [Int], containing i: Int) -> StrideTo<Int> {
        let axis = layer.resolvedDim(rank: shape.count)!
        let inner = shape.dropFirst(axis + 1).reduce(1, *)
        let start = i - (i / inner % shape[axis]) * inner
        return stride(from: start, to: start + shape[axis] * inner, by: inner)
    }

    /// The softmax probability `softmax(x)_j`, from the layer's output.
    fileprivate func probability<L: SoftmaxLayer>(_ layer: L, _ y: Tensor, _ j: Int) -> Double {
        L.isLog ? exp(y.data[j]) : y.data[j]
    }

    fileprivate func explainSoftmax<L: SoftmaxLayer>(_ m: Int, _ layer: L, _ full: [Int]) -> Explanation {
        let x = layerInput(m)
        let y = backward.activations[m]
        let dZ = upstream(m)
        let i = TensorIndex.ravel(full, x.shape)
        let pI = probability(layer, y, i)
        var terms: [ExplainTerm] = []
        for j in slice(layer, x.shape, containing: i) {
            let delta = i == j ? 1.0 : 0.0
            let (value, formula) =
                L.isLog
                ? (delta - pI, "[i=j] - softmax_i = \(Int(delta)) - \(pI)")
                : (y.data[j] * (delta - pI), "y_j * ([i=j] - y_i) = \(y.data[j]) * (\(Int(delta)) - \(pI))")
            let index = TensorIndex.unravel(j, x.shape)
            terms.append(
                ExplainTerm(
                    ExplainFactor(of: problem.layerNames[m], index: index, value: dZ.data[j]),
                    ExplainFactor(of: "\(L.typeName)'", index: index, value: value, formula: formula)))
        }
        let jacobian = L.isLog ? "([i=j] - softmax_i)" : "y_j * ([i=j] - y_i)"
        return Explanation(
            of: "", index: [], value: 0,
            formula:
                "dL/dX[\(TensorIndex.text(full))] = sum over j in its slice along dim \(layer.dim) of dL/dZ[j] * \(jacobian)",
            board: board(inputLHS(m, full), terms, up: "z", dZ.shape, local: nil, []), terms: terms)
    }

    /// `dx_i = dy_i * dY_i/dX_i`: the Jacobian's diagonal alone.
    fileprivate func softmaxDiagonal<L: SoftmaxLayer>(_ k: Int, _ layer: L) -> [Mistake] {
        let y = backward.activations[k]
        let dY = upstream(k)
        return [
            Mistake(
                .softmaxDiagonal,
                "Your gradient through \(L.typeName) layer \"\(problem.layerNames[k])\" keeps only the Jacobian's diagonal: every output of a slice depends on every input of it, so dL/dx_i also sums dL/dy_j * dy_j/dx_i over j != i.",
                layer: k,
                inputGradient: LazyTensor(shape: y.shape) {
                    Tensor(
                        shape: y.shape,
                        data: y.data.indices.map { j in
                            let p = probability(layer, y, j)
                            return dY.data[j] * (L.isLog ? 1 - p : p * (1 - p))
                        })
                })
        ]
    }
}
