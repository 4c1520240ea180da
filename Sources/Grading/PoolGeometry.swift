import ConvEngine

/// The windows of max_pool2d / avg_pool2d: output `(i, j)` covers input rows
/// `s_h*i - p_h + d_h*ki` for `ki in 0..<k_h` (likewise columns); rows outside the input are padding.
///
/// Output size: `floor_or_ceil((H + 2p - d(k-1) - 1) / s) + 1`, and with ceil_mode a last window
/// that would start in the right/bottom padding is dropped (PyTorch's pooling_output_shape).
struct PoolGeometry: Sendable {
    var inH, inW: Int
    var kernel, stride, padding, dilation: Pair
    var outH, outW: Int

    init(kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, ceilMode: Bool, inputShape: [Int]) {
        inH = inputShape[2]; inW = inputShape[3]
        self.kernel = kernel; self.stride = stride; self.padding = padding; self.dilation = dilation
        outH = Self.outputSize(inH, kernel.h, stride.h, padding.h, dilation.h, ceilMode)
        outW = Self.outputSize(inW, kernel.w, stride.w, padding.w, dilation.w, ceilMode)
    }

    init(max spec: MaxPool2dSpec, inputShape: [Int]) {
        self.init(kernel: spec.kernel, stride: spec.stride, padding: spec.padding, dilation: spec.dilation,
                  ceilMode: spec.ceilMode, inputShape: inputShape)
    }

    init(avg spec: AvgPool2dSpec, inputShape: [Int]) {
        self.init(kernel: spec.kernel, stride: spec.stride, padding: spec.padding, dilation: Pair(1),
                  ceilMode: spec.ceilMode, inputShape: inputShape)
    }

    static func outputSize(_ size: Int, _ k: Int, _ s: Int, _ p: Int, _ d: Int, _ ceilMode: Bool) -> Int {
        let span = size + 2 * p - d * (k - 1) - 1
        guard span >= 0, s > 0 else { return 0 }
        var out = (ceilMode ? (span + s - 1) / s : span / s) + 1
        if ceilMode && (out - 1) * s >= size + p { out -= 1 }
        return out
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
            if best < 0 || v > bestValue || v.isNaN { best = h * inW + w; bestValue = v }
        }
        return best
    }

    /// avg_pool2d's divisor for window `(i, j)`: the window clipped to the padded input, or with
    /// `count_include_pad` false, to the input itself.
    func averageDivisor(_ i: Int, _ j: Int, countIncludePad: Bool) -> Int {
        let h0 = stride.h * i - padding.h, w0 = stride.w * j - padding.w
        let h1 = min(h0 + kernel.h, inH + padding.h), w1 = min(w0 + kernel.w, inW + padding.w)
        if countIncludePad { return (h1 - h0) * (w1 - w0) }
        return (min(h1, inH) - max(h0, 0)) * (min(w1, inW) - max(w0, 0))
    }
}
