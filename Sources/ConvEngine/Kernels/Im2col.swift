/// im2col and its adjoint col2im over a tile of output rows: one image's channels unrolled so a
/// conv is one GEMM per tile.
///
/// For channels `[C, H, W]` (C = C_in/groups of one group) and output rows `rows`, the matrix
/// `[C*kh*kw, rows.count * W_out]` is
/// `col[(c*kh + i)*kw + j][(oh - rows.lowerBound)*W_out + ow] = x[c][oh*sh - top + i*dh][ow*sw - left + j*dw]`,
/// 0 where that index lies in the zero padding.
enum Im2col {
    /// Writes the im2col matrix of `channels` planes starting at `x`, output rows `rows`, into `col`.
    static func unroll(
        _ x: UnsafePointer<Double>, channels: Int, _ p: ConvPlan, rows: Range<Int>,
        into col: UnsafeMutablePointer<Double>
    ) {
        let ranges = columnRanges(p)
        let tileColumns = rows.count * p.outWidth
        let rowPitchKept = p.stride.w == 1 && p.stride.h == 1 && p.outWidth == p.width
        var row = col
        for c in 0..<channels {
            let plane = x + c * p.inPlane
            for i in 0..<p.kernel.h {
                for j in 0..<p.kernel.w {
                    let offset = j * p.dilation.w - p.pad.left
                    if rowPitchKept {
                        unrollTapAsBlock(plane, tap: (i, offset), ranges[j], p, rows: rows, into: row)
                        row += tileColumns
                        continue
                    }
                    for oh in rows {
                        let dst = row + (oh - rows.lowerBound) * p.outWidth
                        unrollRow(
                            plane, inputRow: oh * p.stride.h - p.pad.top + i * p.dilation.h, ranges[j], offset, p, dst)
                    }
                    row += tileColumns
                }
            }
        }
    }

    /// One kernel tap's rows when the output has the input's width and stride 1 (e.g. 3×3,
    /// pad 1: cifar's and mnist's first layers): the rows whose input row exists are one shifted
    /// block of the plane, so they are copied with one call, and then only the columns in the
    /// padding (one or two per row) are zeroed; rows in the padding are one zero block. Per-row
    /// calls to memset/memmove (three per row of 28-32 doubles) cost as much as the GEMM did on
    /// cifar's first layer. Same values as `unrollRow`, element for element.
    private static func unrollTapAsBlock(
        _ plane: UnsafePointer<Double>, tap: (i: Int, offset: Int), _ valid: Range<Int>, _ p: ConvPlan,
        rows: Range<Int>, into dst: UnsafeMutablePointer<Double>
    ) {
        let width = p.width
        // Output rows oh whose input row oh + shift exists (stride 1): first ..< last.
        let shift = tap.i * p.dilation.h - p.pad.top
        let first = max(rows.lowerBound, -shift)
        let last = min(rows.upperBound, p.height - shift)
        guard first < last, !valid.isEmpty else {
            dst.update(repeating: 0, count: rows.count * width)
            return
        }
        dst.update(repeating: 0, count: (first - rows.lowerBound) * width)
        let block = dst + (first - rows.lowerBound) * width
        let blockCount = (last - first) * width
        // block[t] = plane[(first + shift) * W + offset + t], except that the first and last
        // `offset` elements may lie outside the plane: those are padding columns, zeroed below.
        let lead = max(0, -tap.offset)
        let trail = max(0, tap.offset)
        let source = plane + (first + shift) * width + tap.offset
        (block + lead).update(from: source + lead, count: blockCount - lead - trail)
        for r in 0..<(last - first) {
            let rowStart = block + r * width
            for ow in 0..<valid.lowerBound { rowStart[ow] = 0 }
            for ow in valid.upperBound..<width { rowStart[ow] = 0 }
        }
        (dst + (last - rows.lowerBound) * width).update(repeating: 0, count: (rows.upperBound - last) * width)
    }

    /// One output row of kernel tap (i, j): zeros outside `valid`, strided copies inside.
    @inline(__always)
    private static func unrollRow(
        _ plane: UnsafePointer<Double>, inputRow ih: Int, _ valid: Range<Int>, _ columnOffset: Int, _ p: ConvPlan,
        _ dst: UnsafeMutablePointer<Double>
    ) {
        guard ih >= 0, ih < p.height, !valid.isEmpty else {
            dst.update(repeating: 0, count: p.outWidth)
            return
        }
        dst.update(repeating: 0, count: valid.lowerBound)
        let sw = p.stride.w
        let from = plane + ih * p.width + columnOffset + valid.lowerBound * sw
        copyRow(from, stride: sw, into: dst + valid.lowerBound, count: valid.count)
        (dst + valid.upperBound).update(repeating: 0, count: p.outWidth - valid.upperBound)
    }

    /// Adds the adjoint of `unroll` (col2im) of `col` (output rows `rows`) into `channels` planes at `dx`.
    static func fold(
        _ col: UnsafePointer<Double>, channels: Int, _ p: ConvPlan, rows: Range<Int>,
        into dx: UnsafeMutablePointer<Double>
    ) {
        let ranges = columnRanges(p)
        let tileColumns = rows.count * p.outWidth
        let sw = p.stride.w
        var row = col
        for c in 0..<channels {
            let plane = dx + c * p.inPlane
            for i in 0..<p.kernel.h {
                for j in 0..<p.kernel.w {
                    let valid = ranges[j]
                    let columnOffset = j * p.dilation.w - p.pad.left
                    for oh in rows where !valid.isEmpty {
                        let ih = oh * p.stride.h - p.pad.top + i * p.dilation.h
                        guard ih >= 0, ih < p.height else { continue }
                        let src = row + (oh - rows.lowerBound) * p.outWidth + valid.lowerBound
                        let dst = plane + ih * p.width + columnOffset + valid.lowerBound * sw
                        addRow(src, into: dst, count: valid.count, stride: sw)
                    }
                    row += tileColumns
                }
            }
        }
    }

    /// `to[t] = from[t * stride]` for `t < count`: a block copy (memmove) for stride 1, else
    /// `copyStrided` (PhasePlanes.swift), which the implicit lowering shares.
    @inline(__always)
    private static func copyRow(
        _ from: UnsafePointer<Double>, stride: Int, into to: UnsafeMutablePointer<Double>, count: Int
    ) {
        if stride == 1 { return to.update(from: from, count: count) }
        copyStrided(from, stride: stride, into: to, count: count)
    }

    /// `dst[t * stride] += src[t]` for `t < count`; the unit-stride case is a plain vectorizable loop.
    /// Stride 2 adds four values at a time into the even lanes of an 8-wide load-add-store (the odd
    /// lanes are stored back unchanged; the block ends before the last element touched, so it stays
    /// inside the row, which only this work item writes). Each element gets the same additions in
    /// the same order as one at a time, so the sums are bit-identical.
    @inline(__always)
    private static func addRow(
        _ src: UnsafePointer<Double>, into dst: UnsafeMutablePointer<Double>, count: Int, stride: Int
    ) {
        if stride == 1 {
            for t in 0..<count { dst[t] += src[t] }
            return
        }
        var t = 0
        if stride == 2 {
            while t + 4 < count {
                var eight = UnsafeRawPointer(dst + 2 * t).loadUnaligned(as: SIMD8<Double>.self)
                eight.evenHalf += UnsafeRawPointer(src + t).loadUnaligned(as: SIMD4<Double>.self)
                UnsafeMutableRawPointer(dst + 2 * t).storeBytes(of: eight, as: SIMD8<Double>.self)
                t += 4
            }
        }
        while t < count {
            dst[t * stride] += src[t]
            t += 1
        }
    }

    /// For each kernel column j, the output columns whose input column lies inside the image:
    /// `0 <= ow*sw + j*dw - left < W`.
    private static func columnRanges(_ p: ConvPlan) -> [Range<Int>] {
        (0..<p.kernel.w).map { j in
            let offset = j * p.dilation.w - p.pad.left
            let lo = min(p.outWidth, max(0, -floorDivide(offset, p.stride.w)))
            let hi = min(p.outWidth, floorDivide(p.width - 1 - offset, p.stride.w) + 1)
            return lo..<max(lo, hi)
        }
    }
}
