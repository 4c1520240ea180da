/// The conv passes as implicit GEMMs on the fused kernel paths (docs/PERFORMANCE.md, "Implicit
/// GEMM"): the forward pass and the weight gradient read the input through `PhasePlanes` and one
/// offset per kernel tap, so no im2col matrix is written or packed; the input gradient is a
/// stride-1 conv of the padded output gradient per stride phase of dx
/// (`ImplicitConv+InputGradient.swift`), so there is no col2im either.
///
/// Forward results are bit-identical to `ConvKernels`' im2col lowering on the same path (same taps
/// in the same order, same k-slices); the gradients reduce in the orders documented on each pass.
struct ImplicitConv {
    let p: ConvPlan
    let kernel: KernelPath
    /// One group's input channels, split by stride phase and padded.
    let input: PhasePlanes
    /// `offsets[(c*kh + i)*kw + j]`: tap (c, i, j)'s shift in `input` (im2col's row order).
    let offsets: [Int]
    /// Padded-width output positions of one image: `H_out * wq`.
    let columns: Int
    /// Doubles of the source buffer: every tap may read `paddedColumns` past its offset.
    let sourceCount: Int

    /// Columns of C per block (a multiple of 16 and of 12): C's block stays in L2 over the k-slices.
    static let blockColumns = 384

    init(_ p: ConvPlan, kernel: KernelPath) {
        self.p = p
        self.kernel = kernel
        let paddedHeight = p.height + p.pad.top + p.pad.bottom
        let paddedWidth = p.width + p.pad.left + p.pad.right
        input = PhasePlanes(
            channels: p.inPerGroup, height: p.height, width: p.width, top: p.pad.top, left: p.pad.left,
            strideH: p.stride.h, strideW: p.stride.w, hq: (paddedHeight + p.stride.h - 1) / p.stride.h,
            wq: (paddedWidth + p.stride.w - 1) / p.stride.w)
        var offsets: [Int] = []
        offsets.reserveCapacity(p.patchSize)
        for c in 0..<p.inPerGroup {
            for i in 0..<p.kernel.h {
                for j in 0..<p.kernel.w {
                    offsets.append(input.offset(channel: c, row: i * p.dilation.h, column: j * p.dilation.w))
                }
            }
        }
        self.offsets = offsets
        columns = p.outHeight * input.wq
        sourceCount = max(input.contentCount, (offsets.max() ?? 0) + roundUp(columns, kernel.nr) + 1)
    }

    var paddedColumns: Int { roundUp(columns, kernel.nr) }

    /// Whether the implicit lowering runs for `p` on `kernel`: a fused path (the only kernels with
    /// gathered operands), at least two images (one image keeps the im2col lowering, whose GEMMs
    /// split over the cores), not a 1×1 kernel that needs no unrolling, and padded-width rows at
    /// most twice the output's width (the extra columns are computed and discarded). The answer
    /// never depends on which fused path runs, so avx512 and avx2 stay bit-identical.
    static func applies(_ p: ConvPlan, kernel: KernelPath) -> Bool {
        guard kernel.fusesMultiplyAdd, p.batch >= 2, !p.isDirect, p.outPlane > 0 else { return false }
        let paddedWidth = p.width + p.pad.left + p.pad.right
        let wq = (paddedWidth + p.stride.w - 1) / p.stride.w
        return wq <= 2 * p.outWidth
    }

    /// Work items of the forward pass: a few per core, each a contiguous run of images, so the
    /// buffers, their zeros and the packed weights serve several images.
    static let forwardChunks = 8

    /// `y = conv(x, w) + b`, a run of images per work item; every element of y is written once,
    /// then `imageDone(n)` runs on the image's thread. Images are independent: the chunking
    /// changes no value.
    func forward(
        _ x: UnsafePointer<Double>, weight w: UnsafePointer<Double>, bias: UnsafePointer<Double>?,
        into y: UnsafeMutablePointer<Double>, imageDone: ((Int) -> Void)? = nil
    ) {
        let chunks = min(p.batch, ImplicitConv.forwardChunks)
        Parallel.forEachOnCallersKernels(chunks) { chunk in
            let source = UnsafeMutablePointer<Double>.allocate(capacity: sourceCount)
            let c = UnsafeMutablePointer<Double>.allocate(capacity: roundUp(p.outPerGroup, kernel.mr) * paddedColumns)
            defer {
                source.deallocate()
                c.deallocate()
            }
            let weights = (0..<p.groups).map { g in
                PackedWeights(
                    m: p.outPerGroup, k: p.patchSize, a: w + g * p.outPerGroup * p.patchSize, lda: p.patchSize,
                    kernel: kernel)
            }
            var filled = false
            for n in Parallel.range(chunk, of: chunks, total: p.batch) {
                for g in 0..<p.groups {
                    input.fill(
                        x + (n * p.inChannels + g * p.inPerGroup) * p.inPlane, into: source, count: sourceCount,
                        interiorOnly: filled)
                    filled = true
                    multiply(weights[g], source: source, offsets: offsets, columns: columns, c: c)
                    let firstChannel = n * p.outChannels + g * p.outPerGroup
                    storeOutput(c, into: y + firstChannel * p.outPlane, bias: bias.map { $0 + g * p.outPerGroup })
                }
                imageDone?(n)
            }
        }
    }

    /// `C = A · B` in column blocks of `blockColumns`, all k-slices of a block before the next.
    func multiply(
        _ a: PackedWeights, source: UnsafePointer<Double>, offsets: [Int], columns: Int, c: UnsafeMutablePointer<Double>
    ) {
        let ldc = roundUp(columns, kernel.nr)
        offsets.withUnsafeBufferPointer { table in
            for jc in stride(from: 0, to: columns, by: ImplicitConv.blockColumns) {
                ImplicitGEMM.multiplyGatherB(
                    a, source: UnsafePointer(source), offsets: table.baseAddress!,
                    columns: jc..<min(jc + ImplicitConv.blockColumns, columns), c: c, ldc: ldc)
            }
        }
    }

    /// `y[o][h][w] = C[o][h*wq + w] (+ b[o])`: the padded-width columns dropped, the bias added
    /// after the product as the im2col lowering does.
    private func storeOutput(
        _ c: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, bias: UnsafePointer<Double>?
    ) {
        let (ldc, wq, outWidth) = (paddedColumns, input.wq, p.outWidth)
        for o in 0..<p.outPerGroup {
            let row = c + o * ldc
            let plane = y + o * p.outPlane
            let b = bias?[o]
            for h in 0..<p.outHeight {
                let src = row + h * wq
                let dst = plane + h * outWidth
                addBias(src, b ?? 0, into: dst, count: outWidth)
            }
        }
    }
}

/// `dst[i] = src[i] + b`. Without a bias `b` is +0, which changes no value: a product summed
/// from +0 is never -0.
@inline(__always)
private func addBias(_ src: UnsafePointer<Double>, _ b: Double, into dst: UnsafeMutablePointer<Double>, count: Int) {
    var i = 0
    let bias = SIMD4<Double>(repeating: b)
    while i + 4 <= count {
        UnsafeMutableRawPointer(dst + i).storeBytes(of: load4(src + i) + bias, as: SIMD4<Double>.self)
        i += 4
    }
    while i < count {
        dst[i] = src[i] + b
        i += 1
    }
}

/// `value` rounded up to a multiple of `unit`.
@inline(__always)
func roundUp(_ value: Int, _ unit: Int) -> Int { (value + unit - 1) / unit * unit }
