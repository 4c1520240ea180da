/// max_pool2d forward and backward (torch.nn.functional.max_pool2d).
///
///     y[n, c, i, j] = max over p < kh, q < kw of x[n, c, i*sh - ph + p*dh, j*sw - pw + q*dw]
///
/// Padding is implicit -inf. Edge cases: a tie goes to the first maximum in row-major window order
/// (PyTorch updates only on `>`), a NaN wins; the backward pass routes each dy to its window's
/// argmax, accumulating where windows overlap.
extension MaxPool2dSpec {
    /// The output's (height, width) for an input of `height` x `width` (see `PoolPlan.outputLength`).
    public func outputSize(height: Int, width: Int) throws -> Pair {
        let p = try plan(inputShape: [1, 1, height, width], LayerContext(index: 0, type: "maxpool2d"))
        return Pair(p.outHeight, p.outWidth)
    }

    /// The output `(N, C, H_out, W_out)`.
    public func forward(_ x: Tensor) throws -> Tensor {
        try forward(x, LayerContext(index: 0, type: "maxpool2d"))
    }

    func forward(_ x: Tensor, _ ctx: LayerContext) throws -> Tensor {
        let p = try plan(inputShape: x.shape, ctx)
        var out = [Double](repeating: 0, count: p.planes * p.outPlane)
        x.data.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { ob in
                for plane in 0..<p.planes {
                    let src = xb.baseAddress! + plane * p.inPlane
                    for o in 0..<p.outPlane {
                        ob[plane * p.outPlane + o] = argmax(src, o, p).value
                    }
                }
            }
        }
        return Tensor(shape: p.outputShape, data: out)
    }

    /// dL/dx: each dy added to the input element its window chose.
    ///
    /// Precondition: `forward(input)` succeeds and `gradOutput` has its output's shape; otherwise the
    /// gradient is zeros.
    public func backward(input: Tensor, gradOutput: Tensor) -> Tensor {
        var dx = [Double](repeating: 0, count: input.count)
        guard let p = try? plan(inputShape: input.shape, LayerContext(index: 0, type: "maxpool2d")),
            gradOutput.shape == p.outputShape
        else { return Tensor(shape: input.shape, data: dx) }
        input.data.withUnsafeBufferPointer { xb in
            dx.withUnsafeMutableBufferPointer { db in
                for plane in 0..<p.planes {
                    let src = xb.baseAddress! + plane * p.inPlane
                    for o in 0..<p.outPlane {
                        guard let index = argmax(src, o, p).index else { continue }
                        db[plane * p.inPlane + index] += gradOutput.data[plane * p.outPlane + o]
                    }
                }
            }
        }
        return Tensor(shape: input.shape, data: dx)
    }

    func plan(inputShape: [Int], _ ctx: LayerContext) throws -> PoolPlan {
        try PoolPlan(
            inputShape: inputShape, kernel: kernel, stride: stride, padding: padding, dilation: dilation,
            ceilMode: ceilMode, ctx)
    }

    /// The maximum of output position `o`'s window and its index in the plane (nil if the window
    /// holds no input element), scanning as PyTorch's CPU kernel does.
    @inline(__always)
    private func argmax(_ plane: UnsafePointer<Double>, _ o: Int, _ p: PoolPlan) -> (value: Double, index: Int?) {
        let (oh, ow) = (o / p.outWidth, o % p.outWidth)
        var h0 = oh * p.stride.h - p.padding.h
        var w0 = ow * p.stride.w - p.padding.w
        let h1 = min(h0 + (p.kernel.h - 1) * p.dilation.h + 1, p.height)
        let w1 = min(w0 + (p.kernel.w - 1) * p.dilation.w + 1, p.width)
        while h0 < 0 { h0 += p.dilation.h }
        while w0 < 0 { w0 += p.dilation.w }
        guard h0 < h1, w0 < w1 else { return (-.infinity, nil) }
        var best = -Double.infinity
        var bestIndex = h0 * p.width + w0
        for ih in Swift.stride(from: h0, to: h1, by: p.dilation.h) {
            for iw in Swift.stride(from: w0, to: w1, by: p.dilation.w) {
                let v = plane[ih * p.width + iw]
                if v > best || v.isNaN {
                    best = v
                    bestIndex = ih * p.width + iw
                }
            }
        }
        return (best, bestIndex)
    }
}
