import ConvEngine

/// Mistakes in the backward pass of the layers without parameters: ReLU masks, max-pool routing,
/// flatten order; and the dense layer's weight read in the wrong flatten order.
extension Solution {
    func reluMistakes(_ k: Int, leaky: Bool) -> [Mistake] {
        let dY = upstream(k), y = backward.activations[k]
        let name = "\(leaky ? "leaky ReLU" : "ReLU") layer \"\(problem.layerNames[k])\""
        let derivative = leaky ? "1 where its input is positive and negative_slope elsewhere" : "1 where its input is positive and 0 elsewhere"
        return [
            Mistake(DiagnosisCode.reluMaskWrong,
                    "Your gradient passes through \(name) without its mask: its derivative is \(derivative), so the gradient must be masked by the input's sign.",
                    layer: k, inputGradient: LazyTensor(dY)),
            Mistake(DiagnosisCode.reluMaskWrong,
                    "Your gradient through \(name) is multiplied by the layer's output values; its derivative is the mask (\(derivative)), not the output itself.",
                    layer: k, inputGradient: LazyTensor(shape: dY.shape) { dY.multiplied(by: y) }),
            Mistake(DiagnosisCode.reluMaskWrong,
                    "Your gradient through \(name) is masked by the sign of the incoming gradient; the mask comes from the layer's input (x > 0), not from dL/dY.",
                    layer: k, inputGradient: LazyTensor(shape: dY.shape) { Tensor(shape: dY.shape, data: dY.data.map { $0 > 0 ? $0 : 0 }) }),
        ]
    }

    /// Each window's gradient given to every element of the window, or to each a 1/(kh*kw) share.
    func maxPoolMistakes(_ k: Int, _ spec: MaxPool2dSpec) -> [Mistake] {
        let x = layerInput(k), dY = upstream(k)
        let g = PoolGeometry(max: spec, inputShape: x.shape)
        let name = "max-pool layer \"\(problem.layerNames[k])\""
        let size = Double(spec.kernel.h * spec.kernel.w)
        let spread = LazyTensor(shape: x.shape) { Self.spread(dY, g, inputShape: x.shape) }
        let averaged = LazyTensor(shape: x.shape) { spread.value.map { Tensor(shape: x.shape, data: $0.tensor.data.map { $0 / size }) } }
        return [
            Mistake(DiagnosisCode.maxpoolSpread,
                    "Your gradient through \(name) is spread over the whole \(spec.kernel.h)x\(spec.kernel.w) window; max pooling routes each window's gradient only to the element that was the maximum (the first one on ties).",
                    layer: k, inputGradient: spread),
            Mistake(DiagnosisCode.maxpoolSpread,
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

    /// dL/d(flatten input) unflattened channel-last: `dA[n,c,h,w] = dFlat[n, (h*W + w)*C + c]`.
    func flattenMistakes(_ k: Int) -> [Mistake] {
        let x = layerInput(k)
        guard let order = ChannelLastOrder(shape: x.shape) else { return [] }
        let dFlat = upstream(k)
        let dA = LazyTensor(shape: x.shape) {
            var dA = Tensor(shape: x.shape)
            for n in 0..<x.shape[0] {
                for chw in 0..<order.features { dA.data[n * order.features + chw] = dFlat.data[n * order.features + order.channelLast(chw)] }
            }
            return dA
        }
        return [Mistake(DiagnosisCode.flattenOrder, order.message(problem.layerNames[k]), layer: k, inputGradient: dA)]
    }

    /// A dense layer after a flatten, its weight gradient laid out channel-last:
    /// `S[o, (h*W + w)*C + c] = G[o, c*H*W + h*W + w]`.
    func linearFlattenMistakes(_ k: Int) -> [Mistake] {
        guard k > 0, case .flatten = problem.layers[k - 1], let dW = backward.parameterGradients[k].weight,
              let order = ChannelLastOrder(shape: layerInput(k - 1).shape) else { return [] }
        let student = LazyTensor(shape: dW.shape) {
            var student = dW
            let (outF, inF) = (dW.shape[0], dW.shape[1])
            for o in 0..<outF {
                for chw in 0..<inF { student.data[o * inF + order.channelLast(chw)] = dW.data[o * inF + chw] }
            }
            return student
        }
        return [Mistake(DiagnosisCode.flattenOrder, order.message(problem.layerNames[k - 1]), layer: k, own: [.weight(k): student])]
    }
}

/// The channel-last (h, w, c) position of a channel-first (c, h, w) feature of `[N, C, H, W]`.
struct ChannelLastOrder {
    var channels, height, width: Int
    var features: Int { channels * height * width }

    /// Nil when both orders agree (one channel, or one pixel).
    init?(shape: [Int]) {
        guard shape.count == 4, shape[1] > 1, shape[2] * shape[3] > 1 else { return nil }
        channels = shape[1]; height = shape[2]; width = shape[3]
    }

    func channelLast(_ chw: Int) -> Int {
        let c = chw / (height * width), hw = chw % (height * width)
        return hw * channels + c
    }

    func message(_ flattenName: String) -> String {
        "Your gradient flattens [C, H, W] = [\(channels), \(height), \(width)] channel-last (h, w, c) at layer \"\(flattenName)\"; flatten is channel-first, so dense feature c*H*W + h*W + w is element (c, h, w)."
    }
}
