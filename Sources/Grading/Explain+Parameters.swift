import ConvEngine

/// The chain rule for a parameter gradient element: a sum over the positions the parameter touched.
extension Solution {
    func explainParameter(_ target: GradientTarget, layer k: Int, _ full: [Int]) -> Explanation {
        switch (problem.layers[k], target) {
        case (.conv2d(let spec), .weight): convWeight(k, spec, full)
        case (.conv2d, _): convBias(k, full[0])
        case (.linear, .weight): linearWeight(k, full[0], full[1])
        default: linearBias(k, full[0])
        }
    }

    /// `dL/dW[co,ci,ki,kj] = sum over n,i,j of dL/dZ[n,co,i,j] * X[n,c,s_h*i+d_h*ki-p_top,s_w*j+d_w*kj-p_left]`;
    /// factors in zero padding are 0, in other padding modes the element they copy.
    private func convWeight(_ k: Int, _ spec: Conv2dSpec, _ full: [Int]) -> Explanation {
        let x = layerInput(k), dZ = upstream(k)
        let g = ConvGeometry(spec: spec, inputShape: x.shape)
        let (co, ci, ki, kj) = (full[0], full[1], full[2], full[3])
        let c = g.inputChannel(co, ci)
        var terms: [ExplainTerm] = []
        for n in 0..<g.batch {
            for i in 0..<g.outH {
                for j in 0..<g.outW {
                    let up = ExplainFactor(of: problem.layerNames[k], index: [n, co, i, j], value: dZ[[n, co, i, j]])
                    terms.append(ExplainTerm(up, inputFactor(k, g, x, n, c, g.row(i, ki), g.col(j, kj))))
                }
            }
        }
        let hMap = Self.indexMap("i", stride: g.stride.h, offset: g.dilation.h * ki - g.padTop)
        let wMap = Self.indexMap("j", stride: g.stride.w, offset: g.dilation.w * kj - g.padLeft)
        let formula = "dL/dW[\(TensorIndex.text(weightIndex(k, full)))] = sum over n,i,j of dL/dZ[n,\(co),i,j] * X[n,\(c),\(hMap),\(wMap)]"
        let lhs = "dL/d" + Self.symbol("w", full, spec.weight.shape)
        return Explanation(of: "", index: [], value: 0, formula: formula,
                           board: board(lhs, terms, up: "z", dZ.shape, local: "x", x.shape), terms: terms)
    }

    /// X[n, c, h, w] of layer `k`'s input, or the padding at (h, w).
    private func inputFactor(_ k: Int, _ g: ConvGeometry, _ x: Tensor, _ n: Int, _ c: Int, _ h: Int, _ w: Int) -> ExplainFactor {
        let name = inputName(k)
        let inside = h >= 0 && h < g.inH && w >= 0 && w < g.inW
        guard let sh = g.sourceRow(h), let sw = g.sourceCol(w) else {
            return ExplainFactor(of: name, index: inputIndex(k, [n, c, h, w]), value: 0, padding: true,
                                 formula: "zero padding")
        }
        let source = [n, c, sh, sw]
        return ExplainFactor(of: name, index: inputIndex(k, source), value: x[source], padding: !inside,
                             formula: inside ? nil : "\(g.mode.rawValue) padding at (\(h), \(w)) copies this element")
    }

    private func convBias(_ k: Int, _ co: Int) -> Explanation {
        let dZ = upstream(k)
        var terms: [ExplainTerm] = []
        for n in 0..<dZ.shape[0] {
            for i in 0..<dZ.shape[2] {
                for j in 0..<dZ.shape[3] {
                    let up = ExplainFactor(of: problem.layerNames[k], index: [n, co, i, j], value: dZ[[n, co, i, j]])
                    terms.append(ExplainTerm(up, .constant(1)))
                }
            }
        }
        return Explanation(of: "", index: [], value: 0, formula: "dL/db[\(co)] = sum over n,i,j of dL/dZ[n,\(co),i,j]",
                           board: board("dL/db\(co + 1)", terms, up: "z", dZ.shape, local: nil, []), terms: terms)
    }

    /// `dL/dW[o,f] = sum over n of dL/dZ[n,o] * X[n,f]` (`y = x W^T + b`).
    private func linearWeight(_ k: Int, _ o: Int, _ f: Int) -> Explanation {
        let x = layerInput(k), dZ = upstream(k)
        let terms = (0..<dZ.shape[0]).map { n in
            ExplainTerm(ExplainFactor(of: problem.layerNames[k], index: [n, o], value: dZ[[n, o]]),
                        ExplainFactor(of: inputName(k), index: inputIndex(k, [n, f]), value: x[[n, f]]))
        }
        let lhs = "dL/d" + Self.symbol("w", [o, f], [dZ.shape[1], x.shape[1]])
        return Explanation(of: "", index: [], value: 0,
                           formula: "dL/dW[\(TensorIndex.text(weightIndex(k, [o, f])))] = sum over n of dL/dZ[n,\(o)] * X[n,\(f)]",
                           board: board(lhs, terms, up: "z", dZ.shape, local: "x", x.shape), terms: terms)
    }

    private func linearBias(_ k: Int, _ o: Int) -> Explanation {
        let dZ = upstream(k)
        let terms = (0..<dZ.shape[0]).map { n in
            ExplainTerm(ExplainFactor(of: problem.layerNames[k], index: [n, o], value: dZ[[n, o]]), .constant(1))
        }
        return Explanation(of: "", index: [], value: 0, formula: "dL/db[\(o)] = sum over n of dL/dZ[n,\(o)]",
                           board: board("dL/db\(o + 1)", terms, up: "z", dZ.shape, local: nil, []), terms: terms)
    }

    /// "dL/dw1 = dL/dz1*x1 + dL/dz2*x3": upstream symbols from full-rank indices, local symbols
    /// from the factor's index (1-based, row-major), constants 1 left out, padding written 0.
    func board(_ lhs: String, _ terms: [ExplainTerm], up: String, _ upShape: [Int], local: String?, _ localShape: [Int]) -> String {
        let sum = terms.map { term -> String in
            let upstream = "dL/d" + Self.symbol(up, term.upstream.index ?? [], upShape)
            guard let local, let index = term.local.index else {
                return term.local.value == 1 ? upstream : "\(upstream)*\(term.local.value)"
            }
            if term.local.padding && term.local.value == 0 { return "\(upstream)*0" }
            return "\(upstream)*" + Self.symbol(local, TensorIndex.full(index, rank: localShape.count), localShape)
        }
        return "\(lhs) = " + (sum.isEmpty ? "0" : sum.joined(separator: " + "))
    }
}
