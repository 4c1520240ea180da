import ConvEngine

/// The chain rule for dL/d(input of layer m) at one element: the terms of layer m's backward pass
/// that land on it.
extension Solution {
    func explainLayerInput(_ m: Int, _ full: [Int]) -> Explanation {
        let x = layerInput(m), dZ = upstream(m)
        let up = problem.layerNames[m]
        let lhs = "dL/d" + Self.symbol("x", full, x.shape)
        let xText = "X[\(TensorIndex.text(full))]"
        func upFactor(_ index: [Int]) -> ExplainFactor { ExplainFactor(of: up, index: index, value: dZ[index]) }
        func elementwise(_ local: ExplainFactor, _ formula: String) -> Explanation {
            let terms = [ExplainTerm(upFactor(full), local)]
            let board = "\(lhs) = dL/d\(Self.symbol("z", full, dZ.shape))*\(local.of)(\(Self.symbol("x", full, x.shape)))"
            return Explanation(of: "", index: [], value: 0, formula: formula, board: board, terms: terms)
        }
        let derivativeIndex = inputIndex(m, full)
        switch problem.layers[m] {
        case .conv2d(let spec):
            return convInput(m, spec, full, lhs)
        case .linear(let spec):
            return linearInput(m, spec, full, lhs)
        case .maxPool2d(let spec):
            return maxPoolInput(m, spec, full, lhs)
        case .avgPool2d(let spec):
            return avgPoolInput(m, spec, full, lhs)
        case .flatten:
            let flat = [full[0], TensorIndex.ravel(Array(full.dropFirst()), Array(x.shape.dropFirst()))]
            let terms = [ExplainTerm(upFactor(flat), .constant(1))]
            return Explanation(of: "", index: [], value: 0, formula: "dL/d\(xText) = dL/dZ[\(TensorIndex.text(flat))]",
                               board: board(lhs, terms, up: "z", dZ.shape, local: nil, []), terms: terms)
        case .relu:
            let v = x[full] > 0 ? 1.0 : 0.0
            return elementwise(ExplainFactor(of: "relu'", index: derivativeIndex, value: v, formula: "1 if x > 0 else 0, x = \(x[full])"),
                               "dL/d\(xText) = dL/dZ[\(TensorIndex.text(full))] * relu'(\(xText))")
        case .leakyReLU(let slope):
            let v = x[full] > 0 ? 1.0 : slope
            return elementwise(ExplainFactor(of: "leaky_relu'", index: derivativeIndex, value: v,
                                             formula: "1 if x > 0 else negative_slope (\(slope)), x = \(x[full])"),
                               "dL/d\(xText) = dL/dZ[\(TensorIndex.text(full))] * leaky_relu'(\(xText))")
        case .sigmoid:
            let y = backward.activations[m][full]
            return elementwise(ExplainFactor(of: "sigmoid'", index: derivativeIndex, value: y * (1 - y), formula: "y * (1 - y), y = \(y)"),
                               "dL/d\(xText) = dL/dZ[\(TensorIndex.text(full))] * sigmoid'(\(xText))")
        case .tanh:
            let y = backward.activations[m][full]
            return elementwise(ExplainFactor(of: "tanh'", index: derivativeIndex, value: 1 - y * y, formula: "1 - y^2, y = \(y)"),
                               "dL/d\(xText) = dL/dZ[\(TensorIndex.text(full))] * tanh'(\(xText))")
        }
    }

    /// `dL/dX[n,c,h,w] = sum over co,ki,kj and i,j with s_h*i+d_h*ki-p_top -> h, s_w*j+d_w*kj-p_left -> w
    /// of dL/dZ[n,co,i,j] * W[co,ci,ki,kj]`; with reflect/replicate/circular padding a padded
    /// position that copies (h, w) counts too (its weight factor is flagged `padding`).
    private func convInput(_ m: Int, _ spec: Conv2dSpec, _ full: [Int], _ lhs: String) -> Explanation {
        let x = layerInput(m), dZ = upstream(m)
        let g = ConvGeometry(spec: spec, inputShape: x.shape)
        let (n, c, h, w) = (full[0], full[1], full[2], full[3])
        let group = c / g.inChannelsPerGroup, ci = c % g.inChannelsPerGroup
        var terms: [ExplainTerm] = []
        for co in (group * g.outChannelsPerGroup)..<((group + 1) * g.outChannelsPerGroup) {
            for i in 0..<g.outH {
                for ki in 0..<g.kernelH where g.sourceRow(g.row(i, ki)) == h {
                    for j in 0..<g.outW {
                        for kj in 0..<g.kernelW where g.sourceCol(g.col(j, kj)) == w {
                            let viaPadding = g.row(i, ki) != h || g.col(j, kj) != w
                            let wIndex = [co, ci, ki, kj]
                            terms.append(ExplainTerm(
                                ExplainFactor(of: problem.layerNames[m], index: [n, co, i, j], value: dZ[[n, co, i, j]]),
                                ExplainFactor(of: problem.name(of: .weight(m)), index: weightIndex(m, wIndex),
                                              value: spec.weight[wIndex], padding: viaPadding,
                                              formula: viaPadding ? "through \(g.mode.rawValue) padding at (\(g.row(i, ki)), \(g.col(j, kj)))" : nil)))
                        }
                    }
                }
            }
        }
        let hMap = Self.indexMap("i", "ki", stride: g.stride.h, dilation: g.dilation.h, padding: g.padTop)
        let wMap = Self.indexMap("j", "kj", stride: g.stride.w, dilation: g.dilation.w, padding: g.padLeft)
        let formula = "dL/dX[\(TensorIndex.text(full))] = sum over co,i,j,ki,kj with \(hMap) = \(h) and \(wMap) = \(w) of dL/dZ[\(n),co,i,j] * W[co,\(ci),ki,kj]"
        return Explanation(of: "", index: [], value: 0, formula: formula,
                           board: board(lhs, terms, up: "z", dZ.shape, local: "w", spec.weight.shape), terms: terms)
    }

    /// `dL/dX[n,f] = sum over o of dL/dZ[n,o] * W[o,f]`.
    private func linearInput(_ m: Int, _ spec: LinearSpec, _ full: [Int], _ lhs: String) -> Explanation {
        let dZ = upstream(m)
        let (n, f) = (full[0], full[1])
        let terms = (0..<dZ.shape[1]).map { o in
            ExplainTerm(ExplainFactor(of: problem.layerNames[m], index: [n, o], value: dZ[[n, o]]),
                        ExplainFactor(of: problem.name(of: .weight(m)), index: weightIndex(m, [o, f]), value: spec.weight[[o, f]]))
        }
        return Explanation(of: "", index: [], value: 0, formula: "dL/dX[\(n),\(f)] = sum over o of dL/dZ[\(n),o] * W[o,\(f)]",
                           board: board(lhs, terms, up: "z", dZ.shape, local: "w", spec.weight.shape), terms: terms)
    }
}

extension Solution {
    /// `"2i+ki-1"`: the padded-input row an output row and kernel row read, as a formula.
    static func indexMap(_ position: String, _ offset: String, stride: Int, dilation: Int, padding: Int) -> String {
        let scaled = stride == 1 ? position : "\(stride)\(position)"
        let kernel = dilation == 1 ? offset : "\(dilation)\(offset)"
        return "\(scaled)+\(kernel)" + (padding == 0 ? "" : "-\(padding)")
    }
}
