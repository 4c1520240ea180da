/// avg_pool2d forward and backward (torch.nn.functional.avg_pool2d).
///
///     y[n, c, i, j] = (sum of x over the window clipped to the input) / divisor
///
/// The window of output (i, j) starts at `(i*sh - ph, j*sw - pw)`. Edge cases (PyTorch's CPU kernel):
/// the divisor is the window clipped to the padded input `[-pad, in + pad)` when count_include_pad,
/// else clipped to the real input; so a ceil_mode window running past the padded input is divided
/// by its clipped size. A window with no input element gives 0.
public struct AvgPool2d: StatelessLayer, Equatable {
    public static let typeName = "avgpool2d"
    public static let inputLayout = InputLayout.image

    public var kernel: Pair
    public var stride: Pair
    public var padding: Pair
    public var ceilMode: Bool
    public var countIncludePad: Bool

    public init(
        kernel: Pair, stride: Pair? = nil, padding: Pair = Pair(0), ceilMode: Bool = false, countIncludePad: Bool = true
    ) {
        self.kernel = kernel
        self.stride = stride ?? kernel
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
    }

    public func outputShape(inputShape: [Int], _ ctx: LayerContext) throws -> [Int] {
        try plan(inputShape: inputShape, ctx).outputShape
    }

    /// An add per window element forward and backward.
    public func cost(inputShape: [Int], outputShape: [Int]) -> LayerCost {
        LayerCost(work: 2 * elementCount(outputShape + [kernel.h, kernel.w]))
    }

    public func output(_ x: Tensor, _ ctx: LayerContext) throws -> Tensor {
        let p = try plan(inputShape: x.shape, ctx)
        let windows = AvgWindows(p, countIncludePad: countIncludePad)
        var out = [Double](repeating: 0, count: p.planes * p.outPlane)
        x.data.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { ob in
                let (xs, ys) = (xb.baseAddress!, ob.baseAddress!)
                Parallel.forEachChunk(total: p.planes, grain: PoolWindows.grain(p)) { planes in
                    for plane in planes {
                        let (src, dst) = (xs + plane * p.inPlane, ys + plane * p.outPlane)
                        windows.forEachWindow { o, rows, cols, divisor in
                            var sum = 0.0
                            for ih in rows { for iw in cols { sum += src[ih * p.width + iw] } }
                            dst[o] = sum / divisor
                        }
                    }
                }
            }
        }
        return Tensor(shape: p.outputShape, data: out)
    }

    /// dL/dx: each dy divided by its window's divisor and added to every element of the window.
    ///
    /// Precondition: `forward(input)` succeeds and `gradOutput` has its output's shape; otherwise the
    /// gradient is zeros.
    public func gradients(_ gradOutput: Tensor, input: Tensor, output: Tensor) -> LayerGradients {
        var dx = [Double](repeating: 0, count: input.count)
        guard let p = try? plan(inputShape: input.shape, LayerContext(index: 0, type: Self.typeName)),
            gradOutput.shape == p.outputShape
        else { return LayerGradients(input: Tensor(shape: input.shape, data: dx)) }
        let windows = AvgWindows(p, countIncludePad: countIncludePad)
        gradOutput.data.withUnsafeBufferPointer { gb in
            dx.withUnsafeMutableBufferPointer { db in
                let (gs, ds) = (gb.baseAddress!, db.baseAddress!)
                Parallel.forEachChunk(total: p.planes, grain: PoolWindows.grain(p)) { planes in
                    for plane in planes {
                        let (g, dst) = (gs + plane * p.outPlane, ds + plane * p.inPlane)
                        windows.forEachWindow { o, rows, cols, divisor in
                            let share = g[o] / divisor
                            for ih in rows { for iw in cols { dst[ih * p.width + iw] += share } }
                        }
                    }
                }
            }
        }
        return LayerGradients(input: Tensor(shape: input.shape, data: dx))
    }

    func plan(inputShape: [Int], _ ctx: LayerContext) throws -> PoolPlan {
        try PoolPlan(
            inputShape: inputShape, kernel: kernel, stride: stride, padding: padding, dilation: Pair(1),
            ceilMode: ceilMode, ctx)
    }
}

/// An average pool's windows per axis, computed once per call: the input range each output row
/// (column) covers, clipped to the input, and its extent clipped to the padded input.
struct AvgWindows {
    let p: PoolPlan
    let countIncludePad: Bool
    let rows: [(clipped: Range<Int>, padded: Int)]
    let cols: [(clipped: Range<Int>, padded: Int)]

    init(_ p: PoolPlan, countIncludePad: Bool) {
        self.p = p
        self.countIncludePad = countIncludePad
        rows = Self.axis(p.outHeight, p.height, p.kernel.h, p.stride.h, p.padding.h)
        cols = Self.axis(p.outWidth, p.width, p.kernel.w, p.stride.w, p.padding.w)
    }

    private static func axis(_ count: Int, _ size: Int, _ k: Int, _ s: Int, _ pad: Int) -> [(
        clipped: Range<Int>, padded: Int
    )] {
        (0..<count).map { i in
            let start = i * s - pad
            let end = min(start + k, size + pad)
            let lo = max(start, 0)
            return (lo..<max(lo, min(end, size)), end - start)
        }
    }

    /// Calls `body(o, rows, cols, divisor)` for every output position whose window holds an input element.
    @inline(__always)
    func forEachWindow(_ body: (Int, Range<Int>, Range<Int>, Double) -> Void) {
        for oh in 0..<p.outHeight {
            let r = rows[oh]
            guard !r.clipped.isEmpty else { continue }
            for ow in 0..<p.outWidth {
                let c = cols[ow]
                guard !c.clipped.isEmpty else { continue }
                // In Double: a huge kernel's padded extent may overflow Int when multiplied.
                let divisor =
                    countIncludePad
                    ? Double(r.padded) * Double(c.padded) : Double(r.clipped.count * c.clipped.count)
                body(oh * p.outWidth + ow, r.clipped, c.clipped, divisor)
            }
        }
    }
}
