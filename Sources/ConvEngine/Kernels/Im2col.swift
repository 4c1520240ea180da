/// im2col and its adjoint col2im: one image's channels unrolled so a conv is one GEMM.
///
/// For channels `[C, H, W]` (C = C_in/groups of one group) the matrix `[C*kh*kw, H_out*W_out]` is
/// `col[(c*kh + i)*kw + j][oh*W_out + ow] = x[c][oh*sh - top + i*dh][ow*sw - left + j*dw]`,
/// 0 where that index lies in the zero padding.
enum Im2col {
    /// Writes the im2col matrix of `channels` planes starting at `x` into `col`.
    static func unroll(
        _ x: UnsafePointer<Double>, channels: Int, _ p: ConvPlan, into col: UnsafeMutablePointer<Double>
    ) {
        let ranges = columnRanges(p)
        var row = col
        for c in 0..<channels {
            let plane = x + c * p.inPlane
            for i in 0..<p.kernel.h {
                for j in 0..<p.kernel.w {
                    unrollRow(plane, kernelRow: i, range: ranges[j], columnOffset: j * p.dilation.w - p.pad.left, p, row)
                    row += p.outPlane
                }
            }
        }
    }

    /// One row of the matrix: kernel tap (i, j) over every output position.
    @inline(__always)
    private static func unrollRow(
        _ plane: UnsafePointer<Double>, kernelRow i: Int, range: Range<Int>, columnOffset: Int, _ p: ConvPlan,
        _ out: UnsafeMutablePointer<Double>
    ) {
        let sw = p.stride.w
        for oh in 0..<p.outHeight {
            let dst = out + oh * p.outWidth
            let ih = oh * p.stride.h - p.pad.top + i * p.dilation.h
            guard ih >= 0, ih < p.height else {
                dst.update(repeating: 0, count: p.outWidth)
                continue
            }
            dst.update(repeating: 0, count: range.lowerBound)
            let src = plane + ih * p.width + columnOffset
            if sw == 1 {
                (dst + range.lowerBound).update(from: src + range.lowerBound, count: range.count)
            } else {
                for ow in range { dst[ow] = src[ow * sw] }
            }
            (dst + range.upperBound).update(repeating: 0, count: p.outWidth - range.upperBound)
        }
    }

    /// Adds the adjoint of `unroll` (col2im) of `col` into `channels` planes at `dx`.
    static func fold(
        _ col: UnsafePointer<Double>, channels: Int, _ p: ConvPlan, into dx: UnsafeMutablePointer<Double>
    ) {
        let ranges = columnRanges(p)
        var row = col
        let sw = p.stride.w
        for c in 0..<channels {
            let plane = dx + c * p.inPlane
            for i in 0..<p.kernel.h {
                for j in 0..<p.kernel.w {
                    let range = ranges[j]
                    let columnOffset = j * p.dilation.w - p.pad.left
                    for oh in 0..<p.outHeight {
                        let ih = oh * p.stride.h - p.pad.top + i * p.dilation.h
                        guard ih >= 0, ih < p.height else { continue }
                        let src = row + oh * p.outWidth
                        let dst = plane + ih * p.width + columnOffset
                        for ow in range { dst[ow * sw] += src[ow] }
                    }
                    row += p.outPlane
                }
            }
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
