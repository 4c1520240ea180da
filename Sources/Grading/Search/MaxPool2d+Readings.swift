import ConvEngine

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
