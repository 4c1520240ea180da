/// max_pool2d forward and backward (torch.nn.functional.max_pool2d).
///
///     y[n, c, i, j] = max over p < kh, q < kw of x[n, c, i*sh - ph + p*dh, j*sw - pw + q*dw]
///
/// Padding is implicit -inf. Edge cases: a tie goes to the first maximum in row-major window order
/// (PyTorch updates only on `>`), a NaN wins; the backward pass routes each dy to its window's
/// argmax, accumulating where windows overlap.
public struct MaxPool2d: StatelessLayer, Equatable {
    public static let typeName = "maxpool2d"
    public static let inputLayout = InputLayout.image

    public var kernel: Pair
    public var stride: Pair
    public var padding: Pair
    public var dilation: Pair
    public var ceilMode: Bool

    public init(
        kernel: Pair, stride: Pair? = nil, padding: Pair = Pair(0), dilation: Pair = Pair(1), ceilMode: Bool = false
    ) {
        self.kernel = kernel
        self.stride = stride ?? kernel
        self.padding = padding
        self.dilation = dilation
        self.ceilMode = ceilMode
    }

    public func outputShape(inputShape: [Int], _ ctx: LayerContext) throws -> [Int] {
        try plan(inputShape: inputShape, ctx).outputShape
    }

    /// A comparison per window element forward, a routed add per output backward.
    public func cost(inputShape: [Int], outputShape: [Int]) -> LayerCost {
        LayerCost(work: 2 * elementCount(outputShape + [kernel.h, kernel.w]))
    }

    public func output(_ x: Tensor, _ ctx: LayerContext) throws -> Tensor {
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
                            windows.forEachArgmax(xs + plane * p.inPlane) { o, value, _ in
                                ys[plane * p.outPlane + o] = value
                            }
                        }
                    }
                }
            }
            count = p.planes * p.outPlane
        }
        return Tensor(shape: p.outputShape, data: out)
    }

    public func gradients(_ gradOutput: Tensor, input: Tensor, output: Tensor) -> LayerGradients {
        var dx = [Double](repeating: 0, count: input.count)
        guard let p = try? plan(inputShape: input.shape, LayerContext(index: 0, type: Self.typeName)),
            gradOutput.shape == p.outputShape
        else { return LayerGradients(input: Tensor(shape: input.shape, data: dx)) }
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
        return LayerGradients(input: Tensor(shape: input.shape, data: dx))
    }

    func plan(inputShape: [Int], _ ctx: LayerContext) throws -> PoolPlan {
        try PoolPlan(
            inputShape: inputShape, kernel: kernel, stride: stride, padding: padding, dilation: dilation,
            ceilMode: ceilMode, ctx)
    }
}
