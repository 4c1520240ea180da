extension ConvKernels {
    /// Input and weight gradients of a conv:
    /// `dcol = W_g^T · dy_g` folded back by col2im into dx, and `dW_g = sum over n of dy_g · col^T`.
    ///
    /// Returns dx `(N, C_in, H, W)` of what the conv slid over (the padded input for non-zero modes)
    /// and dW `(C_out, C_in/groups, kh, kw)`.
    static func backward(_ x: Tensor, weight: Tensor, gradOutput: Tensor, _ p: ConvPlan) -> (input: Tensor, weight: Tensor) {
        let chunks = min(p.batch, weightGradientChunks)
        let weightCount = weight.count
        var dx = [Double](repeating: 0, count: p.batch * p.inChannels * p.inPlane)
        var partials = [Double](repeating: 0, count: chunks * weightCount)
        x.data.withUnsafeBufferPointer { xb in
            weight.data.withUnsafeBufferPointer { wb in
                gradOutput.data.withUnsafeBufferPointer { gb in
                    dx.withUnsafeMutableBufferPointer { dxb in
                        partials.withUnsafeMutableBufferPointer { pb in
                            let (xs, ws, gs, dxs, ps) = (
                                xb.baseAddress!, wb.baseAddress!, gb.baseAddress!, dxb.baseAddress!, pb.baseAddress!
                            )
                            Parallel.forEach(chunks) { chunk in
                                let scratch = Scratch(p, needsGradient: true)
                                defer { scratch.release() }
                                for n in Parallel.range(chunk, of: chunks, total: p.batch) {
                                    backwardOne(
                                        x: xs + n * p.inChannels * p.inPlane, w: ws,
                                        dy: gs + n * p.outChannels * p.outPlane,
                                        dx: dxs + n * p.inChannels * p.inPlane, dw: ps + chunk * weightCount,
                                        accumulate: n > Parallel.range(chunk, of: chunks, total: p.batch).lowerBound,
                                        scratch, p)
                                }
                            }
                        }
                    }
                }
            }
        }
        var dw = [Double](partials[0..<weightCount])
        for chunk in 1..<max(chunks, 1) {
            let base = chunk * weightCount
            for i in 0..<weightCount { dw[i] += partials[base + i] }
        }
        return (Tensor(shape: [p.batch, p.inChannels, p.height, p.width], data: dx), Tensor(shape: weight.shape, data: dw))
    }

    /// One batch element: per group, its contribution to dW (accumulated into `dw`) and its dx.
    private static func backwardOne(
        x: UnsafePointer<Double>, w: UnsafePointer<Double>, dy: UnsafePointer<Double>,
        dx: UnsafeMutablePointer<Double>, dw: UnsafeMutablePointer<Double>, accumulate: Bool,
        _ scratch: Scratch, _ p: ConvPlan
    ) {
        for g in 0..<p.groups {
            let dyGroup = dy + g * p.outPerGroup * p.outPlane  // (C_out/groups, H_out*W_out)
            let wGroup = w + g * p.outPerGroup * p.patchSize  // (C_out/groups, patch)
            let xGroup = x + g * p.inPerGroup * p.inPlane
            let col = scratch.columns(of: xGroup, p)  // (patch, H_out*W_out)
            GEMM.multiply(
                m: p.outPerGroup, n: p.patchSize, k: p.outPlane,
                a: dyGroup, lda: p.outPlane, transposeA: false,
                b: col, ldb: p.outPlane, transposeB: true,
                c: dw + g * p.outPerGroup * p.patchSize, ldc: p.patchSize, accumulate: accumulate)
            let dxGroup = dx + g * p.inPerGroup * p.inPlane
            let target = scratch.direct ? dxGroup : scratch.gradCol
            GEMM.multiply(
                m: p.patchSize, n: p.outPlane, k: p.outPerGroup,
                a: wGroup, lda: p.patchSize, transposeA: true,
                b: dyGroup, ldb: p.outPlane, transposeB: false,
                c: target, ldc: p.outPlane, accumulate: false)
            if !scratch.direct { Im2col.fold(scratch.gradCol, channels: p.inPerGroup, p, into: dxGroup) }
        }
    }
}
