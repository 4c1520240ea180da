import Testing

@testable import ConvEngine

/// `Im2col.unroll` against its defining formula (Im2col.swift):
/// `col[(c*kh + i)*kw + j][(oh - rows.lowerBound)*W_out + ow] = x[c][oh*sh - top + i*dh][ow*sw - left + j*dw]`,
/// 0 in the padding. Covers the one-block-per-tap path (stride 1, output as wide as the input:
/// 3×3 pad 1, 5×5 pad 2, dilation 2 pad 2, 'same' with an even kernel) and the per-row path
/// (stride 2, no padding), over the whole image and over row tiles.
@Test(arguments: [
    // (C, H, W, kh, kw, stride, padding (-1: same), dilation)
    [3, 7, 6, 3, 3, 1, 1, 1],
    [2, 9, 11, 5, 5, 1, 2, 1],
    [2, 8, 8, 3, 3, 1, 2, 2],
    [1, 6, 7, 2, 4, 1, -1, 1],
    [2, 9, 10, 3, 3, 2, 0, 1],
    [1, 5, 5, 3, 3, 1, 1, 3],  // dilation wider than the image: taps wholly in the padding
])
func unroll_matchesTheFormulaOverWholeImagesAndRowTiles(_ c: [Int]) throws {
    var rng = CaseGenerator(seed: UInt64(c.reduce(7, +)))
    let padding: ConvPadding = c[6] < 0 ? .same : .explicit(Pair(c[6]))
    let spec = Conv2d(
        weight: rng.tensor([1, c[0], c[3], c[4]]), stride: Pair(c[5]), padding: padding, dilation: Pair(c[7]))
    let x = rng.tensor([1, c[0], c[1], c[2]])
    let p = try spec.spec.plan(inputShape: x.shape, LayerContext(index: 0, type: "conv2d"))
    let taps = p.kernel.h * p.kernel.w
    for rows in [0..<p.outHeight, 0..<1, 1..<min(3, p.outHeight), (p.outHeight - 2)..<p.outHeight] where !rows.isEmpty {
        let columns = rows.count * p.outWidth
        var col = [Double](repeating: .nan, count: c[0] * taps * columns)
        x.data.withUnsafeBufferPointer { xb in
            col.withUnsafeMutableBufferPointer {
                Im2col.unroll(xb.baseAddress!, channels: c[0], p, rows: rows, into: $0.baseAddress!)
            }
        }
        for ch in 0..<c[0] {
            for i in 0..<p.kernel.h {
                for j in 0..<p.kernel.w {
                    for oh in rows {
                        for ow in 0..<p.outWidth {
                            let ih = oh * p.stride.h - p.pad.top + i * p.dilation.h
                            let iw = ow * p.stride.w - p.pad.left + j * p.dilation.w
                            let inside = ih >= 0 && ih < p.height && iw >= 0 && iw < p.width
                            let want = inside ? x.data[(ch * p.height + ih) * p.width + iw] : 0
                            let got = col[
                                ((ch * p.kernel.h + i) * p.kernel.w + j) * columns + (oh - rows.lowerBound) * p.outWidth
                                    + ow]
                            #expect(
                                got.bitPattern == want.bitPattern,
                                "\(c) rows \(rows) c\(ch) tap (\(i),\(j)) at (\(oh),\(ow))")
                        }
                    }
                }
            }
        }
    }
}
