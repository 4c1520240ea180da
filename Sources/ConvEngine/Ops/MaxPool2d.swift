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
        let fast = MaxPool2x2.applies(p)
        let windows = PoolWindows(p, dilated: true)
        let out = [Double](unsafeUninitializedCapacity: p.planes * p.outPlane) { ob, count in
            x.data.withUnsafeBufferPointer { xb in
                let (xs, ys) = (xb.baseAddress!, ob.baseAddress!)
                Parallel.forEachChunk(total: p.planes, grain: PoolWindows.grain(p)) { planes in
                    for plane in planes {
                        if fast {
                            MaxPool2x2.forward(xs + plane * p.inPlane, ys + plane * p.outPlane, p)
                        } else {
                            windows.forEachArgmax(xs + plane * p.inPlane) { o, value, _ in ys[plane * p.outPlane + o] = value }
                        }
                    }
                }
            }
            count = p.planes * p.outPlane
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
        let fast = MaxPool2x2.applies(p)
        let windows = PoolWindows(p, dilated: true)
        input.data.withUnsafeBufferPointer { xb in
            gradOutput.data.withUnsafeBufferPointer { gb in
                dx.withUnsafeMutableBufferPointer { db in
                    let (xs, gs, ds) = (xb.baseAddress!, gb.baseAddress!, db.baseAddress!)
                    Parallel.forEachChunk(total: p.planes, grain: PoolWindows.grain(p)) { planes in
                        for plane in planes {
                            let (dPlane, gPlane) = (ds + plane * p.inPlane, gs + plane * p.outPlane)
                            if fast {
                                MaxPool2x2.backward(xs + plane * p.inPlane, gPlane, dPlane, p)
                                continue
                            }
                            windows.forEachArgmax(xs + plane * p.inPlane) { o, _, index in
                                if index >= 0 { dPlane[index] += gPlane[o] }
                            }
                        }
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
}
