/// The three conv passes as im2col + GEMM, per batch element and per group, over contiguous buffers.
///
/// Each image's output plane is processed in tiles of output rows (`ConvScratch`). Forward and input
/// gradient run one batch element per work item (disjoint outputs); the weight gradient is reduced
/// per fixed batch chunk and the chunks are summed in chunk order, so results are bit-identical
/// however the work is scheduled.
enum ConvKernels {
    /// Batch chunks of the weight-gradient reduction: fixed, so the summation order never changes.
    static let weightGradientChunks = 8
    /// Doubles all chunks' partial weight gradients may hold together (128 MiB): a huge weight gets
    /// fewer chunks (still a function of the shapes only, never of the scheduling).
    static let partialBudget = 1 << 24

    /// How many batch chunks the weight gradient of `p` is reduced in.
    static func chunkCount(_ p: ConvPlan, weightCount: Int) -> Int {
        max(1, min(p.batch, weightGradientChunks, partialBudget / max(weightCount, 1)))
    }

    /// `y[n, g*Cg_out + o, :] = W_g[o, :] · col(x[n, group g]) + b`: output `(N, C_out, H_out, W_out)`.
    static func forward(_ x: Tensor, weight: Tensor, bias: Tensor?, _ p: ConvPlan) -> Tensor {
        let count = p.batch * p.outChannels * p.outPlane
        // Every element is written by exactly one GEMM (accumulate: false), so no zero fill.
        let out = [Double](unsafeUninitializedCapacity: count) { ob, initialized in
            forward(x, weight: weight, bias: bias, p, into: ob.baseAddress!, imageDone: nil)
            initialized = count
        }
        return Tensor(shape: p.outputShape, data: out)
    }

    /// The forward pass into `y` (`count` of the output shape), calling `imageDone(n)` once image
    /// n's output is complete, on the thread that wrote it (while it is in that core's cache).
    static func forward(
        _ x: Tensor, weight: Tensor, bias: Tensor?, _ p: ConvPlan, into os: UnsafeMutablePointer<Double>,
        imageDone: ((Int) -> Void)?
    ) {
        let kernel = KernelPath.active
        x.data.withUnsafeBufferPointer { xb in
            weight.data.withUnsafeBufferPointer { wb in
                let (xs, ws) = (xb.baseAddress!, wb.baseAddress!)
                if ImplicitConv.applies(p, kernel: kernel) {
                    let conv = ImplicitConv(p, kernel: kernel)
                    bias?.data.withUnsafeBufferPointer { bb in
                        conv.forward(xs, weight: ws, bias: bb.baseAddress!, into: os, imageDone: imageDone)
                    } ?? conv.forward(xs, weight: ws, bias: nil, into: os, imageDone: imageDone)
                    return
                }
                if p.batch == 1 {
                    forwardSingleImage(xs, ws, os, p)
                    if let bias { addBias(bias.data, to: os, p) }
                    imageDone?(0)
                    return
                }
                Parallel.forEachOnCallersKernels(p.batch) { n in
                    let y = os + n * p.outChannels * p.outPlane
                    forwardOne(xs + n * p.inChannels * p.inPlane, ws, y, p)
                    if let bias { addBias(bias.data, to: y, p) }
                    imageDone?(n)
                }
            }
        }
    }

    /// One batch element: for each group, unroll its channels and multiply by the group's filters.
    private static func forwardOne(
        _ x: UnsafePointer<Double>, _ w: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ p: ConvPlan
    ) {
        let scratch = ConvScratch(p)
        defer { scratch.release() }
        let tiles = p.tiles
        for g in 0..<p.groups {
            for rows in tiles { forwardTile(x, w, y, group: g, rows: rows, scratch, p) }
        }
    }

    /// Multiply-adds above which a single image's (group, tile) items are spread over the cores.
    static let singleImageParallelWork = 1 << 20

    /// A batch of one: its (group, tile) items in parallel when there is enough work. Each output
    /// element is still computed by one GEMM over the same k, so the result does not change.
    private static func forwardSingleImage(
        _ x: UnsafePointer<Double>, _ w: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ p: ConvPlan
    ) {
        let tiles = p.tiles
        let items = p.groups * tiles.count
        guard items > 1, p.outChannels * p.outPlane * p.patchSize >= singleImageParallelWork else {
            return forwardOne(x, w, y, p)
        }
        Parallel.forEachOnCallersKernels(items) { item in
            let scratch = ConvScratch(p)
            defer { scratch.release() }
            forwardTile(x, w, y, group: item / tiles.count, rows: tiles[item % tiles.count], scratch, p)
        }
    }

    /// `y[group g, tile] = W_g · col(x[group g], tile)`: one GEMM.
    @inline(__always)
    private static func forwardTile(
        _ x: UnsafePointer<Double>, _ w: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>,
        group g: Int, rows: Range<Int>, _ scratch: ConvScratch, _ p: ConvPlan
    ) {
        let col = scratch.columns(of: x + g * p.inPerGroup * p.inPlane, p, rows: rows)
        GEMM.multiply(
            m: p.outPerGroup, n: rows.count * p.outWidth, k: p.patchSize,
            a: w + g * p.outPerGroup * p.patchSize, lda: p.patchSize, transposeA: false,
            b: col, ldb: scratch.columnsStride(p, rows: rows), transposeB: false,
            c: y + g * p.outPerGroup * p.outPlane + rows.lowerBound * p.outWidth, ldc: p.outPlane,
            accumulate: false)
    }

    /// `y[c, :] += b[c]` for one batch element's output `(C_out, H_out * W_out)`.
    private static func addBias(_ bias: [Double], to y: UnsafeMutablePointer<Double>, _ p: ConvPlan) {
        for c in 0..<p.outChannels {
            let plane = y + c * p.outPlane
            let b = bias[c]
            for i in 0..<p.outPlane { plane[i] += b }
        }
    }

    /// `db[c] = sum over n of (sum over h, w of dy[n, c, h, w])`, each plane summed by `planeSum`,
    /// the planes added in batch order.
    static func biasGradient(_ gradOutput: Tensor, _ p: ConvPlan) -> Tensor {
        gradOutput.data.withUnsafeBufferPointer { biasGradient($0.baseAddress!, p) }
    }

    /// `biasGradient` of an output gradient given by its first element.
    static func biasGradient(_ dy: UnsafePointer<Double>, _ p: ConvPlan) -> Tensor {
        var db = [Double](repeating: 0, count: p.outChannels)
        for n in 0..<p.batch {
            for c in 0..<p.outChannels {
                db[c] += planeSum(dy + (n * p.outChannels + c) * p.outPlane, p.outPlane)
            }
        }
        return Tensor(shape: [p.outChannels], data: db)
    }

    /// Sum of `count` values in four interleaved partial sums (`i mod 4`), added pairwise at the end:
    /// a fixed order that keeps four adds in flight instead of one dependent chain.
    static func planeSum(_ x: UnsafePointer<Double>, _ count: Int) -> Double {
        // Lane l of `sums` is the partial sum of the elements i ≡ l (mod 4), in increasing i.
        var sums = SIMD4<Double>()
        var i = 0
        while i + 4 <= count {
            sums += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Double>.self)
            i += 4
        }
        while i < count {
            sums[0] += x[i]
            i += 1
        }
        return (sums[0] + sums[1]) + (sums[2] + sums[3])
    }
}
