extension ConvKernels {
    /// Input and weight gradients of a conv, per output-row tile:
    /// `dcol = W_g^T · dy_g[:, tile]` folded back by col2im into dx, and
    /// `dW_g += dy_g[:, tile] · col_tile^T`, summed over the tiles and the batch elements of a chunk
    /// in order, then over the chunks in order.
    ///
    /// On the fused paths, batches of two or more run the implicit-GEMM lowering instead
    /// (ImplicitConv+Backward.swift), unless `implicitAllowed` is false.
    ///
    /// Returns dx `(N, C_in, H, W)` of what the conv slid over (the padded input for non-zero modes),
    /// dW `(C_out, C_in/groups, kh, kw)` and, with `biasGradient`, db (`ConvKernels.biasGradient`'s
    /// sums; the implicit lowering takes each plane's sum while that image's dy is in cache).
    static func backward(
        _ x: Tensor, weight: Tensor, gradOutput: Tensor, _ p: ConvPlan, biasGradient wantsBias: Bool = false,
        implicitAllowed: Bool = true
    ) -> (input: Tensor, weight: Tensor, bias: Tensor?) {
        gradOutput.data.withUnsafeBufferPointer { gb in
            backward(
                x, weight: weight, dy: gb.baseAddress!, p, biasGradient: wantsBias, implicitAllowed: implicitAllowed,
                imageReady: nil)
        }
    }

    /// `backward` with the output gradient `dy` (`N * C_out * H_out * W_out` doubles) written as it
    /// goes: when `imageReady` is given, image n of `dy` holds its values only after `imageReady(n)`
    /// has run; it is called once per image before the image is read (Kernels/ConvActivationFusion.swift
    /// writes dy there while it is in the core's cache), all of them first on the im2col lowering.
    static func backward(
        _ x: Tensor, weight: Tensor, dy: UnsafePointer<Double>, _ p: ConvPlan, biasGradient wantsBias: Bool,
        implicitAllowed: Bool, imageReady: ((Int) -> Void)?
    ) -> (input: Tensor, weight: Tensor, bias: Tensor?) {
        let weightCount = weight.count
        let chunks = chunkCount(p, weightCount: weightCount)
        let kernel = KernelPath.active
        let implicit = implicitAllowed && ImplicitConv.applies(p, kernel: kernel)
        if !implicit, let imageReady { Parallel.forEach(p.batch, imageReady) }
        let inputGradient = implicit ? ImplicitInputGradient(p, kernel: kernel) : nil
        // The implicit input gradient writes every element of dx; col2im adds into zeros.
        let dxCount = p.batch * p.inChannels * p.inPlane
        var dx =
            inputGradient == nil
            ? [Double](repeating: 0, count: dxCount)
            : [Double](unsafeUninitializedCapacity: dxCount) { _, count in count = dxCount }
        var planeSums = [Double](repeating: 0, count: implicit && wantsBias ? p.batch * p.outChannels : 0)
        var partials = [Double](unsafeUninitializedCapacity: chunks * weightCount) { buffer, count in
            buffer.initialize(repeating: 0)
            count = chunks * weightCount
        }
        x.data.withUnsafeBufferPointer { xb in
            weight.data.withUnsafeBufferPointer { wb in
                dx.withUnsafeMutableBufferPointer { dxb in
                    partials.withUnsafeMutableBufferPointer { pb in
                        let io = BackwardBuffers(
                            x: xb.baseAddress!, w: wb.baseAddress!, dy: dy, dx: dxb.baseAddress!,
                            dw: pb.baseAddress!)
                        if implicit {
                            planeSums.withUnsafeMutableBufferPointer { sums in
                                ImplicitConv(p, kernel: kernel).backward(
                                    x: io.x, w: io.w, dy: io.dy, dx: io.dx, partials: io.dw, chunks: chunks,
                                    inputGradient: inputGradient, planeSums: wantsBias ? sums.baseAddress : nil,
                                    imageReady: imageReady)
                            }
                            return
                        }
                        if p.batch == 1 && p.groups > 1
                            && p.outChannels * p.outPlane * p.patchSize >= singleImageParallelWork
                        {
                            // One image, several groups: the groups' gradients are disjoint slices.
                            Parallel.forEachOnCallersKernels(p.groups) { g in
                                let scratch = ConvScratch(p, needsGradient: true)
                                defer { scratch.release() }
                                backwardGroup(io, group: g, firstInChunk: true, scratch, p)
                            }
                            return
                        }
                        Parallel.forEachOnCallersKernels(chunks) { chunk in
                            backwardChunk(io, chunk: chunk, of: chunks, weightCount: weightCount, p)
                        }
                    }
                }
            }
        }
        if implicit && !partials.withUnsafeBufferPointer(ImplicitConv.allFinite) {
            // A non-finite input times a discarded column's zero (ImplicitConv+Backward.swift)
            // may have made a NaN the im2col lowering would not: that lowering decides.
            // Every image's `imageReady` has run: dy is complete.
            return backward(
                x, weight: weight, dy: dy, p, biasGradient: wantsBias, implicitAllowed: false, imageReady: nil)
        }
        var dw = [Double](partials[0..<weightCount])
        for chunk in 1..<chunks {
            let base = chunk * weightCount
            for i in 0..<weightCount { dw[i] += partials[base + i] }
        }
        var db: Tensor?
        if wantsBias {
            db = implicit ? sumPlanes(planeSums, p) : biasGradient(dy, p)
        }
        return (
            Tensor(shape: [p.batch, p.inChannels, p.height, p.width], data: dx), Tensor(shape: weight.shape, data: dw),
            db
        )
    }

    /// `db[c] = Σ_n sums[n][c]` in batch order: `biasGradient`'s additions, from the plane sums.
    private static func sumPlanes(_ sums: [Double], _ p: ConvPlan) -> Tensor {
        var db = [Double](repeating: 0, count: p.outChannels)
        for n in 0..<p.batch {
            for c in 0..<p.outChannels { db[c] += sums[n * p.outChannels + c] }
        }
        return Tensor(shape: [p.outChannels], data: db)
    }

    /// The batch elements of one chunk, in order; its weight gradient goes to its own partial.
    private static func backwardChunk(
        _ io: BackwardBuffers, chunk: Int, of chunks: Int, weightCount: Int, _ p: ConvPlan
    ) {
        let scratch = ConvScratch(p, needsGradient: true)
        defer { scratch.release() }
        let batch = Parallel.range(chunk, of: chunks, total: p.batch)
        for n in batch {
            let element = BackwardBuffers(
                x: io.x + n * p.inChannels * p.inPlane, w: io.w, dy: io.dy + n * p.outChannels * p.outPlane,
                dx: io.dx + n * p.inChannels * p.inPlane, dw: io.dw + chunk * weightCount)
            backwardOne(element, firstInChunk: n == batch.lowerBound, scratch, p)
        }
    }

    /// One batch element: every group in turn.
    private static func backwardOne(_ io: BackwardBuffers, firstInChunk: Bool, _ scratch: ConvScratch, _ p: ConvPlan) {
        for g in 0..<p.groups { backwardGroup(io, group: g, firstInChunk: firstInChunk, scratch, p) }
    }

    /// One group of one batch element, tile by tile: its contribution to dW (accumulated unless it
    /// is the chunk's first) and its dx.
    private static func backwardGroup(
        _ io: BackwardBuffers, group g: Int, firstInChunk: Bool, _ scratch: ConvScratch, _ p: ConvPlan
    ) {
        let dyGroup = io.dy + g * p.outPerGroup * p.outPlane  // (C_out/groups, H_out*W_out)
        let wGroup = io.w + g * p.outPerGroup * p.patchSize  // (C_out/groups, patch)
        let xGroup = io.x + g * p.inPerGroup * p.inPlane
        let dxGroup = io.dx + g * p.inPerGroup * p.inPlane
        for (t, rows) in p.tiles.enumerated() {
            let columns = rows.count * p.outWidth
            let dyTile = dyGroup + rows.lowerBound * p.outWidth
            let col = scratch.columns(of: xGroup, p, rows: rows)  // (patch, columns)
            GEMM.multiply(
                m: p.outPerGroup, n: p.patchSize, k: columns,
                a: dyTile, lda: p.outPlane, transposeA: false,
                b: col, ldb: scratch.columnsStride(p, rows: rows), transposeB: true,
                c: io.dw + g * p.outPerGroup * p.patchSize, ldc: p.patchSize,
                accumulate: !(firstInChunk && t == 0))
            let target = scratch.direct ? dxGroup : scratch.gradCol
            GEMM.multiply(
                m: p.patchSize, n: columns, k: p.outPerGroup,
                a: wGroup, lda: p.patchSize, transposeA: true,
                b: dyTile, ldb: p.outPlane, transposeB: false,
                c: target, ldc: scratch.direct ? p.inPlane : columns, accumulate: false)
            if !scratch.direct { Im2col.fold(scratch.gradCol, channels: p.inPerGroup, p, rows: rows, into: dxGroup) }
        }
    }
}

extension ConvKernels {
    /// dx of one image and group by the im2col lowering, added into `dx` (zero on entry):
    /// `dcol = W_gᵀ · dy_g[:, tile]` per output-row tile, folded back by col2im.
    static func inputGradientByFold(
        dy: UnsafePointer<Double>, w: UnsafePointer<Double>, dx: UnsafeMutablePointer<Double>, _ scratch: ConvScratch,
        _ p: ConvPlan
    ) {
        for rows in p.tiles {
            let columns = rows.count * p.outWidth
            let target = scratch.direct ? dx : scratch.gradCol
            GEMM.multiply(
                m: p.patchSize, n: columns, k: p.outPerGroup,
                a: w, lda: p.patchSize, transposeA: true,
                b: dy + rows.lowerBound * p.outWidth, ldb: p.outPlane, transposeB: false,
                c: target, ldc: scratch.direct ? p.inPlane : columns, accumulate: false)
            if !scratch.direct { Im2col.fold(scratch.gradCol, channels: p.inPerGroup, p, rows: rows, into: dx) }
        }
    }
}

/// The base pointers one backward work item reads (x, w, dy) and writes (dx, dw).
private struct BackwardBuffers {
    var x: UnsafePointer<Double>
    var w: UnsafePointer<Double>
    var dy: UnsafePointer<Double>
    var dx: UnsafeMutablePointer<Double>
    var dw: UnsafeMutablePointer<Double>
}
