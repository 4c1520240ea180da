import ConvEngine

/// The windows of a pooling layer: output `(i, j)` covers input rows `s_h*i - p_h + d_h*ki` for
/// `ki in 0..<k_h` (likewise columns); rows outside the input are padding. The output size is the
/// engine's (ConvEngine/Ops/PoolGeometry.swift, `PoolPlan.outputLength`).
struct PoolGeometry: Sendable {
    var inH, inW: Int
    var kernel, stride, padding, dilation: Pair
    var outH, outW: Int

    /// The windows of a pool whose output the engine sized `outputShape` (`[N, C, H_out, W_out]`).
    init(kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, inputShape: [Int], outputShape: [Int]) {
        inH = inputShape[2]
        inW = inputShape[3]
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        outH = outputShape[2]
        outW = outputShape[3]
    }

    /// Input rows of output row `i` that lie inside the input, in kernel order.
    func rows(_ i: Int) -> [Int] {
        (0..<kernel.h).map { stride.h * i - padding.h + dilation.h * $0 }.filter { $0 >= 0 && $0 < inH }
    }

    func cols(_ j: Int) -> [Int] {
        (0..<kernel.w).map { stride.w * j - padding.w + dilation.w * $0 }.filter { $0 >= 0 && $0 < inW }
    }

    /// Calls `body(h, w)` for every element of window `(i, j)` inside the input, in row-major
    /// kernel order (no arrays: this runs once per window in the hot loops).
    @inline(__always)
    func forEachElement(_ i: Int, _ j: Int, _ body: (Int, Int) -> Void) {
        for ki in 0..<kernel.h {
            let h = stride.h * i - padding.h + dilation.h * ki
            guard h >= 0 && h < inH else { continue }
            for kj in 0..<kernel.w {
                let w = stride.w * j - padding.w + dilation.w * kj
                if w >= 0 && w < inW { body(h, w) }
            }
        }
    }

    /// The flat `h*W + w` position of the maximum of window `(i, j)` in a channel plane starting at
    /// `base`: the first maximum in row-major order, as PyTorch breaks ties (a NaN wins, the last one as in PyTorch); -1 for an
    /// empty window.
    func argmax(_ x: [Double], base: Int, _ i: Int, _ j: Int) -> Int {
        var best = -1
        var bestValue = -Double.infinity
        forEachElement(i, j) { h, w in
            let v = x[base + h * inW + w]
            if best < 0 || v > bestValue || v.isNaN {
                best = h * inW + w
                bestValue = v
            }
        }
        return best
    }

    /// An average pool's divisor for window `(i, j)`: the window clipped to the padded input, or with
    /// `count_include_pad` false, to the input itself.
    func averageDivisor(_ i: Int, _ j: Int, countIncludePad: Bool) -> Int {
        let h0 = stride.h * i - padding.h
        let w0 = stride.w * j - padding.w
        let h1 = min(h0 + kernel.h, inH + padding.h)
        let w1 = min(w0 + kernel.w, inW + padding.w)
        if countIncludePad { return (h1 - h0) * (w1 - w0) }
        return (min(h1, inH) - max(h0, 0)) * (min(w1, inW) - max(w0, 0))
    }
}
