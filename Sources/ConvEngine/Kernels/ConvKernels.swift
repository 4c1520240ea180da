/// The three conv passes as im2col + GEMM, per batch element and per group, over contiguous buffers.
///
/// Forward and input gradient run one batch element per work item (disjoint outputs); the weight
/// gradient is reduced per fixed batch chunk and the chunks are summed in chunk order, so results
/// are bit-identical however the work is scheduled.
enum ConvKernels {
    /// Batch chunks of the weight-gradient reduction: fixed, so the summation order never changes.
    static let weightGradientChunks = 8

    /// `y[n, g*Cg_out + o, :] = W_g[o, :] · col(x[n, group g]) + b`: output `(N, C_out, H_out, W_out)`.
    static func forward(_ x: Tensor, weight: Tensor, bias: Tensor?, _ p: ConvPlan) -> Tensor {
        var out = [Double](repeating: 0, count: p.batch * p.outChannels * p.outPlane)
        x.data.withUnsafeBufferPointer { xb in
            weight.data.withUnsafeBufferPointer { wb in
                out.withUnsafeMutableBufferPointer { ob in
                    let (xs, ws, os) = (xb.baseAddress!, wb.baseAddress!, ob.baseAddress!)
                    Parallel.forEach(p.batch) { n in
                        forwardOne(xs + n * p.inChannels * p.inPlane, ws, os + n * p.outChannels * p.outPlane, p)
                    }
                }
            }
        }
        if let bias { addBias(bias.data, to: &out, p) }
        return Tensor(shape: p.outputShape, data: out)
    }

    /// One batch element: for each group, unroll its channels and multiply by the group's filters.
    private static func forwardOne(
        _ x: UnsafePointer<Double>, _ w: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ p: ConvPlan
    ) {
        let scratch = ConvScratch(p)
        defer { scratch.release() }
        let tiles = scratch.tiles(p)
        for g in 0..<p.groups {
            for rows in tiles {
                let col = scratch.columns(of: x + g * p.inPerGroup * p.inPlane, p, rows: rows)
                GEMM.multiply(
                    m: p.outPerGroup, n: rows.count * p.outWidth, k: p.patchSize,
                    a: w + g * p.outPerGroup * p.patchSize, lda: p.patchSize, transposeA: false,
                    b: col, ldb: scratch.columnsStride(p, rows: rows), transposeB: false,
                    c: y + g * p.outPerGroup * p.outPlane + rows.lowerBound * p.outWidth, ldc: p.outPlane,
                    accumulate: false)
            }
        }
    }

    private static func addBias(_ bias: [Double], to out: inout [Double], _ p: ConvPlan) {
        out.withUnsafeMutableBufferPointer { ob in
            for n in 0..<p.batch {
                for c in 0..<p.outChannels {
                    let plane = ob.baseAddress! + (n * p.outChannels + c) * p.outPlane
                    let b = bias[c]
                    for i in 0..<p.outPlane { plane[i] += b }
                }
            }
        }
    }

    /// `db[c] = sum over n, h, w of dy[n, c, h, w]`, summed in that order.
    static func biasGradient(_ gradOutput: Tensor, _ p: ConvPlan) -> Tensor {
        var db = [Double](repeating: 0, count: p.outChannels)
        gradOutput.data.withUnsafeBufferPointer { gb in
            for c in 0..<p.outChannels {
                var sum = 0.0
                for n in 0..<p.batch {
                    let plane = gb.baseAddress! + (n * p.outChannels + c) * p.outPlane
                    for i in 0..<p.outPlane { sum += plane[i] }
                }
                db[c] = sum
            }
        }
        return Tensor(shape: [p.outChannels], data: db)
    }
}
