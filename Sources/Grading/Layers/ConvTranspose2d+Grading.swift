import ConvEngine

/// conv_transpose2d in grading: each input element reaches the output positions its kernel copy
/// lands on, so dL/dX[n,c,i,j] sums dL/dZ at those positions times the kernel; the mistake is the
/// kernel flipped, as if the transposed conv were a convolution that flips it.
extension ConvTranspose2d: GradedLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        let x = solution.layerInput(k)
        let dZ = solution.upstream(k)
        let g = try! geometry(inputShape: x.shape, LayerContext(index: k, type: Self.typeName))  // it ran on this input
        var terms: [ExplainTerm] = []
        forEachTap(g) { n, c, i, j, o, ki, kj, r, q in
            guard [n, c, i, j] == full else { return }
            terms.append(
                ExplainTerm(
                    ExplainFactor(of: solution.problem.layerNames[k], index: [n, o, r, q], value: dZ[[n, o, r, q]]),
                    ExplainFactor(
                        of: solution.problem.name(of: .parameter(k, "weight")),
                        index: [c, o % (g.outChannels / g.groups), ki, kj],
                        value: weight.data[weightIndex(g, c, o, ki, kj)])))
        }
        let formula =
            "dL/dX[\(TensorIndex.text(full))] = sum over o,ki,kj of dL/dZ[\(full[0]),o,\(stride.h)*\(full[2])-\(padding.h)+\(dilation.h)ki,\(stride.w)*\(full[3])-\(padding.w)+\(dilation.w)kj] * W[\(full[1]),o,ki,kj]"
        return Explanation(
            of: "", index: [], value: 0, formula: formula,
            board: solution.board(solution.inputLHS(k, full), terms, up: "z", dZ.shape, local: "w", weight.shape),
            terms: terms)
    }

    public func explainParameter(_ parameter: String, in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation
    {
        let x = solution.layerInput(k)
        let dZ = solution.upstream(k)
        let g = try! geometry(inputShape: x.shape, LayerContext(index: k, type: Self.typeName))
        var terms: [ExplainTerm] = []
        let name = solution.problem.layerNames[k]
        if parameter == "weight" {
            forEachTap(g) { n, c, i, j, o, ki, kj, r, q in
                guard [c, o % (g.outChannels / g.groups), ki, kj] == full else { return }
                terms.append(
                    ExplainTerm(
                        ExplainFactor(of: name, index: [n, o, r, q], value: dZ[[n, o, r, q]]),
                        ExplainFactor(
                            of: solution.inputName(k), index: solution.inputIndex(k, [n, c, i, j]),
                            value: x[[n, c, i, j]])))
            }
        } else {
            for n in 0..<g.batch {
                for r in 0..<g.outH {
                    for q in 0..<g.outW {
                        terms.append(
                            ExplainTerm(
                                ExplainFactor(of: name, index: [n, full[0], r, q], value: dZ[[n, full[0], r, q]]),
                                .constant(1)))
                    }
                }
            }
        }
        let symbol = parameter == "weight" ? "W" : "b"
        return Explanation(
            of: "", index: [], value: 0,
            formula:
                "dL/d\(symbol)[\(TensorIndex.text(full))] = sum over the output positions it reaches of dL/dZ\(parameter == "weight" ? " * X" : "")",
            board: solution.board(
                "dL/d\(symbol.lowercased())\(TensorIndex.ravel(full, parameter == "weight" ? weight.shape : [g.outChannels]) + 1)",
                terms,
                up: "z", dZ.shape, local: parameter == "weight" ? "x" : nil, x.shape),
            terms: terms)
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] {
        let x = solution.layerInput(k)
        let dZ = solution.upstream(k)
        var flipped = self
        flipped.weight = weight.rotated180()
        let name = "conv_transpose2d layer \"\(solution.problem.layerNames[k])\""
        let message =
            "Your gradient through \(name) uses the kernel rotated by 180 degrees: a transposed convolution scatters each input element with the kernel as it is, so its input gradient reads dL/dZ with the same, unflipped kernel."
        return [
            Mistake(
                .transposedKernelFlipped, message, layer: k,
                inputGradient: LazyTensor(shape: x.shape) {
                    guard
                        let g = try? flipped.geometry(inputShape: x.shape, LayerContext(index: k, type: Self.typeName))
                    else { return nil }
                    return flipped.backward(dZ, input: x, output: dZ, saved: g).input
                })
        ]
    }
}

extension DiagnosisCode {
    public static let transposedKernelFlipped = DiagnosisCode(rawValue: "transposed_kernel_flipped")
}
