import ConvEngine

/// The size of a problem before it runs: each layer's output shape (as far as the shapes fit; the
/// engine reports the first misfit) and the multiply-adds of forward plus backward.
///
/// conv2d: `H_out = floor((H + 2p - d(k-1) - 1) / s) + 1`, MACs `N * C_out * H_out * W_out * C_in/g * kh * kw`;
/// pools: the same size rule (ceil_mode: ceil, dropping a last window that starts in the right padding);
/// linear: `N * out * in`. Backward costs about twice forward for conv and linear (input and weight gradients).
struct WorkEstimate {
    /// Estimated multiply-adds, forward and backward.
    var work: Double = 0
    /// The largest tensor the engine will hold: an activation or a padded input, in elements.
    var largestTensor: Double = 0
    /// Which layer holds `largestTensor` (nil: the input).
    var largestAt: Int?
    /// Elements held at once for the backward pass: the input, every activation and its gradient.
    var heldElements: Double = 0
    /// Output shape of each layer whose input shape fitted.
    var shapes: [[Int]] = []

    init(layers: [Layer], input: [Int]) {
        var shape = input
        note(Self.elements(shape), at: nil)
        heldElements = Self.elements(shape)
        for (i, layer) in layers.enumerated() {
            guard let next = step(layer, shape, at: i) else { return }
            shape = next
            shapes.append(shape)
            note(Self.elements(shape), at: i)
            heldElements += 2 * Self.elements(shape)
            // Past this size the request is refused anyway; stopping keeps every Int product below 2^50.
            guard largestTensor < 0x1p50 else { return }
        }
    }

    /// The element count of `shape`, in floating point so that no product can trap.
    static func elements(_ shape: [Int]) -> Double { shape.reduce(1.0) { $0 * Double($1) } }

    private mutating func note(_ elements: Double, at layer: Int?) {
        if elements > largestTensor { largestTensor = elements; largestAt = layer }
    }

    private mutating func step(_ layer: Layer, _ shape: [Int], at i: Int) -> [Int]? {
        let count = Self.elements(shape)
        switch layer {
        case .relu, .leakyReLU, .sigmoid, .tanh:
            work += 3 * count
            return shape
        case .flatten:
            return shape.count >= 2 ? [shape[0], shape.dropFirst().reduce(1, *)] : nil
        case .linear(let spec):
            guard shape.count == 2, spec.weight.shape[1] == shape[1] else { return nil }
            work += 3 * Double(shape[0]) * Double(spec.weight.count)
            return [shape[0], spec.weight.shape[0]]
        case .conv2d(let spec):
            return conv(spec, shape, at: i)
        case .maxPool2d(let spec):
            return pool(shape, kernel: spec.kernel, stride: spec.stride, padding: spec.padding, dilation: spec.dilation, ceil: spec.ceilMode)
        case .avgPool2d(let spec):
            return pool(shape, kernel: spec.kernel, stride: spec.stride, padding: spec.padding, dilation: Pair(1), ceil: spec.ceilMode)
        }
    }

    private mutating func conv(_ spec: Conv2dSpec, _ shape: [Int], at i: Int) -> [Int]? {
        let weight = spec.weight.shape  // (C_out, C_in/g, kh, kw)
        guard shape.count == 4, spec.groups > 0, shape[1] == weight[1] * spec.groups else { return nil }
        let (n, c, h, w) = (Double(shape[0]), Double(shape[1]), shape[2], shape[3])
        let extentH = spec.dilation.h * (weight[2] - 1) + 1, extentW = spec.dilation.w * (weight[3] - 1) + 1
        let outH: Int, outW: Int, padH: Int, padW: Int
        switch spec.padding {
        case .same: (outH, outW, padH, padW) = (h, w, extentH - 1, extentW - 1)
        case .valid, .explicit:
            let p = if case .explicit(let pair) = spec.padding { pair } else { Pair(0) }
            (padH, padW) = (2 * p.h, 2 * p.w)
            guard h + padH >= extentH, w + padW >= extentW else { return nil }
            (outH, outW) = ((h + padH - extentH) / spec.stride.h + 1, (w + padW - extentW) / spec.stride.w + 1)
        }
        note(n * c * Double(h + padH) * Double(w + padW), at: i)
        work += 3 * n * Self.elements([weight[0], outH, outW]) * Self.elements(Array(weight.dropFirst()))
        return [shape[0], weight[0], outH, outW]
    }

    private mutating func pool(_ shape: [Int], kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, ceil: Bool) -> [Int]? {
        guard shape.count == 4,
            let outH = Self.poolSize(shape[2], kernel.h, stride.h, padding.h, dilation.h, ceil),
            let outW = Self.poolSize(shape[3], kernel.w, stride.w, padding.w, dilation.w, ceil)
        else { return nil }
        work += 2 * Self.elements([shape[0], shape[1], outH, outW, kernel.h, kernel.w])
        return [shape[0], shape[1], outH, outW]
    }

    /// PyTorch's pooling output size, or nil when no window fits.
    static func poolSize(_ size: Int, _ k: Int, _ s: Int, _ p: Int, _ d: Int, _ ceil: Bool) -> Int? {
        let span = size + 2 * p - d * (k - 1) - 1
        guard span >= 0 else { return nil }
        var out = (ceil ? (span + s - 1) / s : span / s) + 1
        if ceil, (out - 1) * s >= size + p { out -= 1 }
        return out
    }
}
