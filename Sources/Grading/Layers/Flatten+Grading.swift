import ConvEngine

/// flatten in grading: dL/dX is dL/dZ reshaped; the mistake is the channel-last order, in the
/// flatten's input gradient and in the weight gradient of a dense layer right after it.
extension Flatten: GradedLayer, ParameterFreeLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        solution.flattenInput(k, full)
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] {
        solution.flattenMistakes(k) + solution.denseAfterFlattenMistakes(k)
    }
}

extension Solution {
    fileprivate func flattenInput(_ m: Int, _ full: [Int]) -> Explanation {
        let x = layerInput(m)
        let dZ = upstream(m)
        let flat = [full[0], TensorIndex.ravel(Array(full.dropFirst()), Array(x.shape.dropFirst()))]
        let terms = [ExplainTerm(ExplainFactor(of: problem.layerNames[m], index: flat, value: dZ[flat]), .constant(1))]
        return Explanation(
            of: "", index: [], value: 0, formula: "dL/dX[\(TensorIndex.text(full))] = dL/dZ[\(TensorIndex.text(flat))]",
            board: board(inputLHS(m, full), terms, up: "z", dZ.shape, local: nil, []), terms: terms)
    }

    /// dL/d(flatten input) unflattened channel-last: `dA[n,c,h,w] = dFlat[n, (h*W + w)*C + c]`.
    func flattenMistakes(_ k: Int) -> [Mistake] {
        let x = layerInput(k)
        guard let order = ChannelLastOrder(shape: x.shape) else { return [] }
        let dFlat = upstream(k)
        let dA = LazyTensor(shape: x.shape) {
            var dA = Tensor(shape: x.shape)
            for n in 0..<x.shape[0] {
                for chw in 0..<order.features {
                    dA.data[n * order.features + chw] = dFlat.data[n * order.features + order.channelLast(chw)]
                }
            }
            return dA
        }
        return [Mistake(DiagnosisCode.flattenOrder, order.message(problem.layerNames[k]), layer: k, inputGradient: dA)]
    }

    /// A dense layer right after flatten `f` (a weight `[F_out, C*H*W]`), its weight gradient laid out channel-last:
    /// `S[o, (h*W + w)*C + c] = G[o, c*H*W + h*W + w]`.
    func denseAfterFlattenMistakes(_ f: Int) -> [Mistake] {
        let k = f + 1
        guard k < problem.layers.count, layerInput(k).rank == 2, let dW = parameterGradient(k, "weight"), dW.rank == 2,
            let order = ChannelLastOrder(shape: layerInput(f).shape), dW.shape[1] == order.features
        else { return [] }
        let student = LazyTensor(shape: dW.shape) {
            var student = dW
            let (outF, inF) = (dW.shape[0], dW.shape[1])
            for o in 0..<outF {
                for chw in 0..<inF { student.data[o * inF + order.channelLast(chw)] = dW.data[o * inF + chw] }
            }
            return student
        }
        return [
            Mistake(
                DiagnosisCode.flattenOrder, order.message(problem.layerNames[k - 1]), layer: k,
                own: [.parameter(k, "weight"): student])
        ]
    }
}

/// The channel-last (h, w, c) position of a channel-first (c, h, w) feature of `[N, C, H, W]`.
struct ChannelLastOrder {
    var channels, height, width: Int
    var features: Int { channels * height * width }

    /// Nil when both orders agree (one channel, or one pixel).
    init?(shape: [Int]) {
        guard shape.count == 4, shape[1] > 1, shape[2] * shape[3] > 1 else { return nil }
        channels = shape[1]
        height = shape[2]
        width = shape[3]
    }

    func channelLast(_ chw: Int) -> Int {
        let c = chw / (height * width)
        let hw = chw % (height * width)
        return hw * channels + c
    }

    func message(_ flattenName: String) -> String {
        "Your gradient flattens [C, H, W] = [\(channels), \(height), \(width)] channel-last (h, w, c) at layer \"\(flattenName)\"; flatten is channel-first, so dense feature c*H*W + h*W + w is element (c, h, w)."
    }
}

extension DiagnosisCode {
    public static let flattenOrder = DiagnosisCode(rawValue: "flatten_order")
}
