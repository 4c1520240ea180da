/// avg_pool2d forward and backward (torch.nn.functional.avg_pool2d).
///
///     y[n, c, i, j] = (sum of x over the window clipped to the input) / divisor
///
/// The window of output (i, j) starts at `(i*sh - ph, j*sw - pw)`. Edge cases (PyTorch's CPU kernel):
/// the divisor is the window clipped to the padded input `[-pad, in + pad)` when count_include_pad,
/// else clipped to the real input; so a ceil_mode window running past the padded input is divided
/// by its clipped size. A window with no input element gives 0.
extension AvgPool2dSpec {
    /// The output's (height, width) for an input of `height` x `width` (see `PoolPlan.outputLength`).
    public func outputSize(height: Int, width: Int) throws -> Pair {
        let p = try plan(inputShape: [1, 1, height, width], LayerContext(index: 0, type: "avgpool2d"))
        return Pair(p.outHeight, p.outWidth)
    }

    /// The output `(N, C, H_out, W_out)`.
    public func forward(_ x: Tensor) throws -> Tensor {
        try forward(x, LayerContext(index: 0, type: "avgpool2d"))
    }

    func forward(_ x: Tensor, _ ctx: LayerContext) throws -> Tensor {
        let p = try plan(inputShape: x.shape, ctx)
        var out = [Double](repeating: 0, count: p.planes * p.outPlane)
        for plane in 0..<p.planes {
            let base = plane * p.inPlane
            for o in 0..<p.outPlane {
                let w = window(o, p)
                guard w.divisor > 0 else { continue }
                var sum = 0.0
                for ih in w.rows { for iw in w.cols { sum += x.data[base + ih * p.width + iw] } }
                out[plane * p.outPlane + o] = sum / Double(w.divisor)
            }
        }
        return Tensor(shape: p.outputShape, data: out)
    }

    /// dL/dx: each dy divided by its window's divisor and added to every element of the window.
    ///
    /// Precondition: `forward(input)` succeeds and `gradOutput` has its output's shape; otherwise the
    /// gradient is zeros.
    public func backward(input: Tensor, gradOutput: Tensor) -> Tensor {
        var dx = [Double](repeating: 0, count: input.count)
        guard let p = try? plan(inputShape: input.shape, LayerContext(index: 0, type: "avgpool2d")),
            gradOutput.shape == p.outputShape
        else { return Tensor(shape: input.shape, data: dx) }
        for plane in 0..<p.planes {
            let base = plane * p.inPlane
            for o in 0..<p.outPlane {
                let w = window(o, p)
                guard w.divisor > 0 else { continue }
                let share = gradOutput.data[plane * p.outPlane + o] / Double(w.divisor)
                for ih in w.rows { for iw in w.cols { dx[base + ih * p.width + iw] += share } }
            }
        }
        return Tensor(shape: input.shape, data: dx)
    }

    func plan(inputShape: [Int], _ ctx: LayerContext) throws -> PoolPlan {
        try PoolPlan(
            inputShape: inputShape, kernel: kernel, stride: stride, padding: padding, dilation: Pair(1),
            ceilMode: ceilMode, ctx)
    }

    /// Output position `o`'s window clipped to the input, and its divisor (0 when it is empty).
    private func window(_ o: Int, _ p: PoolPlan) -> (rows: Range<Int>, cols: Range<Int>, divisor: Int) {
        let (oh, ow) = (o / p.outWidth, o % p.outWidth)
        let h0 = oh * p.stride.h - p.padding.h
        let w0 = ow * p.stride.w - p.padding.w
        let h1 = min(h0 + p.kernel.h, p.height + p.padding.h)
        let w1 = min(w0 + p.kernel.w, p.width + p.padding.w)
        let padded = (h1 - h0) * (w1 - w0)
        let rows = max(h0, 0)..<max(max(h0, 0), min(h1, p.height))
        let cols = max(w0, 0)..<max(max(w0, 0), min(w1, p.width))
        guard !rows.isEmpty, !cols.isEmpty else { return (rows, cols, 0) }
        return (rows, cols, countIncludePad ? padded : rows.count * cols.count)
    }
}
