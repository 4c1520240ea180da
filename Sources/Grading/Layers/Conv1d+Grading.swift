import ConvEngine

/// conv1d in grading, along its one axis: position `i` with kernel offset `q` reads input
/// `i*s + q*d - p_left` (padding resolved as the engine resolves it); the mistake is the kernel
/// reversed, the 1-d rotation.
extension Conv1d: GradedLayer, SmoothLayer {
    /// The index map of this conv over an input of length `length`.
    private func axis(_ length: Int) -> (stride: Int, dilation: Int, left: Int, right: Int, mode: PaddingMode) {
        let pad = (try? conv.spec.resolvedPadding()) ?? ResolvedPadding(top: 0, bottom: 0, left: 0, right: 0)
        return (conv.spec.stride.w, conv.spec.dilation.w, pad.left, pad.right, conv.spec.paddingMode)
    }

    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        let x = solution.layerInput(k)
        let dZ = solution.upstream(k)
        let w = weight
        let a = axis(x.shape[2])
        let (n, c, l) = (full[0], full[1], full[2])
        let inPerGroup = w.shape[1]
        let outPerGroup = w.shape[0] / conv.spec.groups
        let group = c / inPerGroup
        var terms: [ExplainTerm] = []
        for o in (group * outPerGroup)..<((group + 1) * outPerGroup) {
            for i in 0..<dZ.shape[2] {
                for q in 0..<w.shape[2] {
                    let position = i * a.stride + q * a.dilation - a.left
                    guard
                        ConvGeometry.source(position, size: x.shape[2], before: a.left, after: a.right, mode: a.mode)
                            == l
                    else { continue }
                    terms.append(
                        ExplainTerm(
                            ExplainFactor(of: solution.problem.layerNames[k], index: [n, o, i], value: dZ[[n, o, i]]),
                            ExplainFactor(
                                of: solution.problem.name(of: .parameter(k, "weight")), index: [o, c % inPerGroup, q],
                                value: w[[o, c % inPerGroup, q]], padding: position != l)))
                }
            }
        }
        return Explanation(
            of: "", index: [], value: 0,
            formula:
                "dL/dX[\(TensorIndex.text(full))] = sum over o,i,q with \(a.stride)i+\(a.dilation)q-\(a.left) = \(l) of dL/dZ[\(n),o,i] * W[o,\(c % inPerGroup),q]",
            board: solution.board(solution.inputLHS(k, full), terms, up: "z", dZ.shape, local: "w", w.shape),
            terms: terms)
    }

    public func explainParameter(_ parameter: String, in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation
    {
        let x = solution.layerInput(k)
        let dZ = solution.upstream(k)
        let a = axis(x.shape[2])
        let o = full[0]
        let name = solution.problem.layerNames[k]
        var terms: [ExplainTerm] = []
        for n in 0..<dZ.shape[0] {
            for i in 0..<dZ.shape[2] {
                let up = ExplainFactor(of: name, index: [n, o, i], value: dZ[[n, o, i]])
                guard parameter == "weight" else {
                    terms.append(ExplainTerm(up, .constant(1)))
                    continue
                }
                let c = (o / (weight.shape[0] / conv.spec.groups)) * weight.shape[1] + full[1]
                let position = i * a.stride + full[2] * a.dilation - a.left
                let source = ConvGeometry.source(
                    position, size: x.shape[2], before: a.left, after: a.right, mode: a.mode)
                let local =
                    source.map {
                        ExplainFactor(
                            of: solution.inputName(k), index: solution.inputIndex(k, [n, c, $0]), value: x[[n, c, $0]],
                            padding: $0 != position)
                    }
                    ?? ExplainFactor(
                        of: solution.inputName(k), index: solution.inputIndex(k, [n, c, position]), value: 0,
                        padding: true, formula: "zero padding")
                terms.append(ExplainTerm(up, local))
            }
        }
        let formula =
            parameter == "weight"
            ? "dL/dW[\(TensorIndex.text(full))] = sum over n,i of dL/dZ[n,\(o),i] * X[n,c,\(a.stride)i+\(a.dilation * full[2])-\(a.left)]"
            : "dL/db[\(o)] = sum over n,i of dL/dZ[n,\(o),i]"
        let lhs = parameter == "weight" ? "dL/d" + Solution.symbol("w", full, weight.shape) : "dL/db\(o + 1)"
        return Explanation(
            of: "", index: [], value: 0, formula: formula,
            board: solution.board(lhs, terms, up: "z", dZ.shape, local: parameter == "weight" ? "x" : nil, x.shape),
            terms: terms)
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] {
        let x = solution.layerInput(k)
        let dZ = solution.upstream(k)
        var reversed = self
        reversed.conv.spec.weight = conv.spec.weight.rotated180()  // [out, in, 1, k]: the 1-d kernel reversed
        let name = "conv1d layer \"\(solution.problem.layerNames[k])\""
        return [
            Mistake(
                .kernelFlipped,
                "Your input gradient through \(name) uses the kernel reversed: the forward pass is a cross-correlation (no flip), so dL/dZ[i] goes back to X[i+q] times W[q] of the same kernel.",
                layer: k,
                inputGradient: LazyTensor(shape: x.shape) {
                    guard let (_, plan) = try? reversed.forward(x, LayerContext(index: k, type: Self.typeName)) else {
                        return nil
                    }
                    return reversed.backward(dZ, input: x, output: dZ, saved: plan).input
                })
        ]
    }
}
