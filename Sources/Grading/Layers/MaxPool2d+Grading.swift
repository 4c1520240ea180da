import ConvEngine

/// maxpool2d in grading: each window routes its gradient to its first maximum; the mistakes spread
/// it over the window or average it; the window winners are kinks.
extension MaxPool2d: GradedLayer, ParameterFreeLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        solution.maxPoolInput(k, self, full, solution.inputLHS(k, full))
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] { solution.maxPoolMistakes(k, self) }

    /// Each window's winner, plane by plane.
    public func kinkDecisions(input x: Tensor) -> [Int] {
        let g = geometry(inputShape: x.shape)
        var decisions: [Int] = []
        for nc in 0..<(x.shape[0] * x.shape[1]) {
            for i in 0..<g.outH {
                for j in 0..<g.outW { decisions.append(g.argmax(x.data, base: nc * g.inH * g.inW, i, j)) }
            }
        }
        return decisions
    }

    public func constantFactors(layerName: String) -> [NamedFactor] {
        windowFactors(
            kernel,
            cause:
                "the \(kernel.h)x\(kernel.w) window of layer \"\(layerName)\" routes its gradient to one element, undivided"
        )
    }

    func geometry(inputShape: [Int]) -> PoolGeometry {
        PoolGeometry(
            kernel: kernel, stride: stride, padding: padding, dilation: dilation, inputShape: inputShape,
            outputShape: (try? outputShape(inputShape: inputShape)) ?? [0, 0, 0, 0])
    }
}

extension Solution {
    /// `dL/dX[n,c,h,w] = sum over windows (i,j) whose first maximum is X[n,c,h,w] of dL/dZ[n,c,i,j]`.
    func maxPoolInput(_ m: Int, _ spec: MaxPool2d, _ full: [Int], _ lhs: String) -> Explanation {
        let x = layerInput(m)
        let dZ = upstream(m)
        let g = spec.geometry(inputShape: x.shape)
        let (n, c, h, w) = (full[0], full[1], full[2], full[3])
        let base = (n * x.shape[1] + c) * g.inH * g.inW
        var terms: [ExplainTerm] = []
        for i in 0..<g.outH {
            for j in 0..<g.outW where g.argmax(x.data, base: base, i, j) == h * g.inW + w {
                terms.append(
                    ExplainTerm(
                        ExplainFactor(of: problem.layerNames[m], index: [n, c, i, j], value: dZ[[n, c, i, j]]),
                        ExplainFactor(
                            of: "max'", index: inputIndex(m, full), value: 1,
                            formula: "1: the element is the first maximum of window (\(i), \(j))")))
            }
        }
        let formula =
            "dL/dX[\(TensorIndex.text(full))] = sum over windows (i,j) whose first maximum is X[\(TensorIndex.text(full))] of dL/dZ[\(n),\(c),i,j]"
        return Explanation(
            of: "", index: [], value: 0, formula: formula,
            board: board(lhs, terms, up: "z", dZ.shape, local: nil, []), terms: terms)
    }

    /// Each window's gradient given to every element of the window, or to each a 1/(kh*kw) share.
    func maxPoolMistakes(_ k: Int, _ spec: MaxPool2d) -> [Mistake] {
        let x = layerInput(k)
        let dY = upstream(k)
        let g = spec.geometry(inputShape: x.shape)
        let name = "max-pool layer \"\(problem.layerNames[k])\""
        let size = Double(spec.kernel.h * spec.kernel.w)
        let spread = LazyTensor(shape: x.shape) { Self.spread(dY, g, inputShape: x.shape) }
        let averaged = LazyTensor(shape: x.shape) {
            spread.value.map { Tensor(shape: x.shape, data: $0.tensor.data.map { $0 / size }) }
        }
        return [
            Mistake(
                DiagnosisCode.maxpoolSpread,
                "Your gradient through \(name) is spread over the whole \(spec.kernel.h)x\(spec.kernel.w) window; max pooling routes each window's gradient only to the element that was the maximum (the first one on ties).",
                layer: k, inputGradient: spread),
            Mistake(
                DiagnosisCode.maxpoolSpread,
                "Your gradient through \(name) is averaged over each \(spec.kernel.h)x\(spec.kernel.w) window as average pooling would do; max pooling routes each window's gradient only to the element that was the maximum.",
                layer: k, inputGradient: averaged),
        ]
    }

    /// Every window's gradient added to every element of the window.
    static func spread(_ dY: Tensor, _ g: PoolGeometry, inputShape: [Int]) -> Tensor {
        var spread = Tensor(shape: inputShape)
        let plane = g.inH * g.inW
        for nc in 0..<(inputShape[0] * inputShape[1]) {
            for i in 0..<g.outH {
                for j in 0..<g.outW {
                    let d = dY.data[(nc * g.outH + i) * g.outW + j]
                    g.forEachElement(i, j) { h, w in spread.data[nc * plane + h * g.inW + w] += d }
                }
            }
        }
        return spread
    }

}

extension DiagnosisCode {
    public static let maxpoolSpread = DiagnosisCode(rawValue: "maxpool_spread")
}

// MARK: - Readings for the diagnosis search (Search/DiagnosisSearch.swift)

/// maxpool2d read with a routing primitive beyond Layers/MaxPool2d+Grading.swift's spread and
/// average: a window's gradient routed to its last maximum on a tie (`>=` where PyTorch keeps the
/// first). Without a tie it is the right gradient, which the search never reports.
extension MaxPool2d: SearchableLayer {
    func readings(in solution: Solution, layer k: Int) -> [Mistake] {
        let x = solution.layerInput(k)
        let dY = solution.upstream(k)
        let g = geometry(inputShape: x.shape)
        let name = "max-pool layer \"\(solution.problem.layerNames[k])\""
        let message =
            "Your gradient through \(name) goes to the last maximum of a window with a tie; max pooling routes it to the first maximum (PyTorch's choice), the one a strict > keeps."
        return [
            Mistake(
                [Primitive(code: .maxpoolTieRouting, message: message)], layer: k,
                inputGradient: LazyTensor(shape: x.shape) { Self.routedToLastMaximum(x, dY, g) })
        ]
    }

    /// `dX[n,c,h,w] = sum over windows whose last maximum (in row-major kernel order) is (h, w) of dY[n,c,i,j]`.
    static func routedToLastMaximum(_ x: Tensor, _ dY: Tensor, _ g: PoolGeometry) -> Tensor {
        var out = Tensor(shape: x.shape)
        let plane = g.inH * g.inW
        for nc in 0..<(x.shape[0] * x.shape[1]) {
            for i in 0..<g.outH {
                for j in 0..<g.outW {
                    var best = -1
                    var bestValue = -Double.infinity
                    g.forEachElement(i, j) { h, w in
                        let v = x.data[nc * plane + h * g.inW + w]
                        if v >= bestValue {
                            best = h * g.inW + w
                            bestValue = v
                        }
                    }
                    if best >= 0 { out.data[nc * plane + best] += dY.data[(nc * g.outH + i) * g.outW + j] }
                }
            }
        }
        return out
    }
}

extension DiagnosisCode {
    public static let maxpoolTieRouting = DiagnosisCode(rawValue: "maxpool_tie_routing")
}
