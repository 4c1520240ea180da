import ConvEngine

/// Output shapes of the layers the workloads use, for counting conv flops (PyTorch's formulas).
enum WorkloadShapes {
    /// `[N, C_out, H_out, W_out]` with `H_out = ⌊(H + 2p - d(k-1) - 1) / s⌋ + 1`.
    static func convOutput(_ spec: Conv2d, input: [Int]) -> [Int] {
        let w = spec.weight.shape
        let pad: Pair
        switch spec.padding {
        case .explicit(let p): pad = p
        case .valid: pad = Pair(0)
        case .same: return [input[0], w[0], input[2], input[3]]
        }
        let h = (input[2] + 2 * pad.h - spec.dilation.h * (w[2] - 1) - 1) / spec.stride.h + 1
        let wo = (input[3] + 2 * pad.w - spec.dilation.w * (w[3] - 1) - 1) / spec.stride.w + 1
        return [input[0], w[0], h, wo]
    }

    static func output(of layer: any Layer, input: [Int]) -> [Int] {
        switch layer {
        case let p as MaxPool2d:
            return pooled(input, kernel: p.kernel, stride: p.stride, padding: p.padding)
        case let p as AvgPool2d:
            return pooled(input, kernel: p.kernel, stride: p.stride, padding: p.padding)
        case is Flatten:
            return [input[0], input.dropFirst().reduce(1, *)]
        case let spec as Linear:
            return [input[0], spec.weight.shape[0]]
        default:
            return input
        }
    }

    /// Floor-mode pooling without dilation (all the workloads need).
    private static func pooled(_ input: [Int], kernel: Pair, stride: Pair, padding: Pair) -> [Int] {
        let h = (input[2] + 2 * padding.h - kernel.h) / stride.h + 1
        let w = (input[3] + 2 * padding.w - kernel.w) / stride.w + 1
        return [input[0], input[1], h, w]
    }
}
