/// Backward pass of the implicit lowering: per batch chunk (`ConvKernels.chunkCount`, fixed by the
/// shapes), images in order, each group's weight gradient
///
///     dWᵀ_g[t][o] (+)= Σ over padded-width positions q = h*wq + w of x_phase[offsets[t] + q] · dyᵀ[q][o]
///
/// (`ImplicitGEMM.multiplyRowsA`: A's rows are the taps' shifted rows of the input's phase planes,
/// B the image's output gradient transposed, zero at the discarded columns `w >= W_out`; k-slices
/// of `sliceDepth(H_out * wq)` added in order, the chunk's first image setting the partial), and
/// its input gradient (`ImplicitInputGradient`, or GEMM + col2im per tile for few input channels).
extension ImplicitConv {
    /// Whether the weight gradient may take this path: the discarded columns multiply input
    /// elements by exact zeros, which is only harmless when every input element is finite.
    static func allFinite(_ x: UnsafeBufferPointer<Double>) -> Bool {
        guard let base = x.baseAddress else { return true }
        // x - x is 0 for a finite x and NaN otherwise; NaN survives the additions.
        var sum = SIMD8<Double>()
        var i = 0
        while i + 8 <= x.count {
            let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Double>.self)
            sum += v - v
            i += 8
        }
        var tail = 0.0
        while i < x.count {
            tail += base[i] - base[i]
            i += 1
        }
        return (sum.sum() + tail) == 0
    }

    /// Fills `dx` (every element when `inputGradient` is set; else added to a zeroed `dx`),
    /// `partials` (`chunks` weight gradients, each `weightCount` doubles, `(C_out, C_in/groups, kh, kw)`)
    /// and `planeSums[n][c]` (`ConvKernels.planeSum` of each plane of dy) when given; `imageReady(n)`
    /// runs before image n of dy is read, on the thread that reads it.
    func backward(
        x: UnsafePointer<Double>, w: UnsafePointer<Double>, dy: UnsafePointer<Double>, dx: UnsafeMutablePointer<Double>,
        partials: UnsafeMutablePointer<Double>, chunks: Int, inputGradient: ImplicitInputGradient?,
        planeSums: UnsafeMutablePointer<Double>?, imageReady: ((Int) -> Void)? = nil
    ) {
        Parallel.forEachOnCallersKernels(chunks) { chunk in
            let work = BackwardWork(self, inputGradient: inputGradient)
            let weights = (0..<p.groups).map { g in
                inputGradient?.packWeights(w + g * p.outPerGroup * p.patchSize, p, kernel: kernel)
            }
            let batch = Parallel.range(chunk, of: chunks, total: p.batch)
            for n in batch {
                imageReady?(n)
                for g in 0..<p.groups {
                    let xGroup = x + (n * p.inChannels + g * p.inPerGroup) * p.inPlane
                    let dyGroup = dy + (n * p.outChannels + g * p.outPerGroup) * p.outPlane
                    let dxGroup = dx + (n * p.inChannels + g * p.inPerGroup) * p.inPlane
                    weightGradient(xGroup, dyGroup, into: work.partial(g), first: n == batch.lowerBound, work)
                    if let planeSums {
                        for o in 0..<p.outPerGroup {
                            planeSums[n * p.outChannels + g * p.outPerGroup + o] = ConvKernels.planeSum(
                                dyGroup + o * p.outPlane, p.outPlane)
                        }
                    }
                    if let inputGradient, let packed = weights[g] {
                        inputGradient.run(
                            dy: dyGroup, dx: dxGroup, weights: packed, conv: self, source: work.dySource,
                            sourceFilled: work.dySourceFilled, c: work.c)
                        work.dySourceFilled = true
                    } else {
                        ConvKernels.inputGradientByFold(
                            dy: dyGroup, w: w + g * p.outPerGroup * p.patchSize, dx: dxGroup, work.scratch!, p)
                    }
                }
            }
            work.storePartial(into: partials + chunk * p.outChannels * p.patchSize)
        }
    }

    /// `dWᵀ_g (+)= phase rows of x · dyᵀ` for one image and group.
    private func weightGradient(
        _ x: UnsafePointer<Double>, _ dy: UnsafePointer<Double>, into partial: UnsafeMutablePointer<Double>,
        first: Bool,
        _ work: BackwardWork
    ) {
        input.fill(x, into: work.source, count: sourceCount, interiorOnly: work.sourceFilled)
        work.sourceFilled = true
        work.transpose(dy)
        offsets.withUnsafeBufferPointer { table in
            ImplicitGEMM.multiplyRowsA(
                m: p.patchSize, k: columns, source: work.source, rowOffsets: table.baseAddress!, b: work.dyT,
                ldb: work.ldT, columns: work.ldT, c: partial, ldc: work.ldT, accumulate: !first, kernel: kernel)
        }
    }
}

/// One backward work item's buffers.
private final class BackwardWork {
    let conv: ImplicitConv
    let source: UnsafeMutablePointer<Double>
    /// `dyᵀ[q][o]` for padded-width positions q, row stride `ldT` (C_out/groups rounded up to nr);
    /// zero outside the written entries, which stay the same for every image.
    let dyT: UnsafeMutablePointer<Double>
    let ldT: Int
    /// Each group's `dWᵀ` partial: `roundUp(patch, mr) × ldT`.
    let partials: UnsafeMutablePointer<Double>
    let partialSize: Int
    let dySource: UnsafeMutablePointer<Double>
    /// Whether `source` / `dySource` hold an earlier image's planes (their zeros are reused).
    var sourceFilled = false
    var dySourceFilled = false
    let c: UnsafeMutablePointer<Double>
    /// Im2col's buffers, for the input gradient by GEMM + col2im (nil when it is implicit).
    let scratch: ConvScratch?

    init(_ conv: ImplicitConv, inputGradient: ImplicitInputGradient?) {
        let p = conv.p
        let kernel = conv.kernel
        self.conv = conv
        source = .allocate(capacity: conv.sourceCount)
        ldT = roundUp(p.outPerGroup, kernel.nr)
        dyT = .allocate(capacity: conv.columns * ldT)
        dyT.initialize(repeating: 0, count: conv.columns * ldT)
        partialSize = roundUp(p.patchSize, kernel.mr) * ldT
        partials = .allocate(capacity: p.groups * partialSize)
        dySource = .allocate(capacity: inputGradient?.sourceCount ?? 1)
        c = .allocate(capacity: inputGradient?.cCount(kernel) ?? 1)
        scratch = inputGradient == nil ? ConvScratch(p, needsGradient: true) : nil
    }

    func partial(_ g: Int) -> UnsafeMutablePointer<Double> { partials + g * partialSize }

    /// `dyT[(h*wq + w)*ldT + o] = dy[o][h][w]` for `w < W_out`.
    func transpose(_ dy: UnsafePointer<Double>) {
        let p = conv.p
        let wq = conv.input.wq
        let quads = p.outPerGroup / 4 * 4
        for o in stride(from: 0, to: quads, by: 4) {
            for h in 0..<p.outHeight {
                let src = dy + o * p.outPlane + h * p.outWidth
                let row = dyT + h * wq * ldT + o
                var w = 0
                while w + 4 <= p.outWidth {
                    let columns = transposed4x4(
                        load4(src + w), load4(src + p.outPlane + w), load4(src + 2 * p.outPlane + w),
                        load4(src + 3 * p.outPlane + w))
                    store4(columns.0, row + w * ldT)
                    store4(columns.1, row + (w + 1) * ldT)
                    store4(columns.2, row + (w + 2) * ldT)
                    store4(columns.3, row + (w + 3) * ldT)
                    w += 4
                }
                for w in w..<p.outWidth {
                    for q in 0..<4 { row[w * ldT + q] = src[q * p.outPlane + w] }
                }
            }
        }
        for o in quads..<p.outPerGroup {
            let plane = dy + o * p.outPlane
            for h in 0..<p.outHeight {
                let row = dyT + h * wq * ldT + o
                let src = plane + h * p.outWidth
                for w in 0..<p.outWidth { row[w * ldT] = src[w] }
            }
        }
    }

    /// `dW[g*Cg + o][t] = dWᵀ_g[t][o]` into one chunk's partial.
    func storePartial(into dw: UnsafeMutablePointer<Double>) {
        let p = conv.p
        for g in 0..<p.groups {
            let transposed = partial(g)
            for o in 0..<p.outPerGroup {
                let row = dw + (g * p.outPerGroup + o) * p.patchSize
                for t in 0..<p.patchSize { row[t] = transposed[t * ldT + o] }
            }
        }
    }

    deinit {
        source.deallocate()
        dyT.deallocate()
        partials.deallocate()
        dySource.deallocate()
        c.deallocate()
        scratch?.release()
    }
}
