/// The windows of a pool along each axis, computed once per call: for output row i the input rows
/// it reads are `rowStart[i] ..< rowEnd[i]` stepping by the dilation (likewise for columns), with
/// starts moved past the padding as PyTorch's CPU kernels do (`while start < 0 { start += dilation }`).
struct PoolWindows {
    let p: PoolPlan
    let rowStart: [Int]
    let rowEnd: [Int]
    let colStart: [Int]
    let colEnd: [Int]
    let dilation: Pair

    init(_ p: PoolPlan, dilated: Bool) {
        self.p = p
        dilation = dilated ? p.dilation : Pair(1)
        (rowStart, rowEnd) = Self.axis(p.outHeight, p.height, p.kernel.h, p.stride.h, p.padding.h, dilation.h)
        (colStart, colEnd) = Self.axis(p.outWidth, p.width, p.kernel.w, p.stride.w, p.padding.w, dilation.w)
    }

    /// Planes per parallel chunk: enough window reads to pay for a thread hop.
    static func grain(_ p: PoolPlan) -> Int {
        let reads = ShapeArithmetic.product(p.kernel.h, p.kernel.w).flatMap { ShapeArithmetic.product($0, p.outPlane) }
        return max(1, 32_768 / max(1, reads ?? Int.max))
    }

    private static func axis(_ count: Int, _ size: Int, _ k: Int, _ s: Int, _ pad: Int, _ d: Int) -> ([Int], [Int]) {
        var starts = [Int](repeating: 0, count: count)
        var ends = [Int](repeating: 0, count: count)
        for i in 0..<count {
            var start = i * s - pad
            ends[i] = min(start + (k - 1) * d + 1, size)
            if start < 0 { start += ((-start - 1) / d + 1) * d }  // the first tap at or after 0
            starts[i] = start
        }
        return (starts, ends)
    }

    /// For every output position `o` of one plane, its window's maximum and the maximum's index in
    /// the plane; the first maximum in row-major order wins ties, and a NaN wins (the last NaN of the
    /// window, as PyTorch's `val > maxval || isnan(val)` scan gives). A window holding no input
    /// element (not possible for a validated pool, handled all the same) gives -inf and index -1.
    @inline(__always)
    func forEachArgmax(_ plane: UnsafePointer<Double>, _ body: (Int, Double, Int) -> Void) {
        if Self.containsNaN(plane, p.inPlane) {
            forEachWindow(plane, body) { v, best in v > best || v.isNaN }
        } else {
            // Without NaNs the test is a plain compare, which compiles to branch-free selects
            // (with random data a branch on it mispredicts about half the time).
            forEachWindow(plane, body) { v, best in v > best }
        }
    }

    @inline(__always)
    private func forEachWindow(
        _ plane: UnsafePointer<Double>, _ body: (Int, Double, Int) -> Void, _ replaces: (Double, Double) -> Bool
    ) {
        let (dh, dw, width) = (dilation.h, dilation.w, p.width)
        for oh in 0..<p.outHeight {
            let (h0, h1) = (rowStart[oh], rowEnd[oh])
            for ow in 0..<p.outWidth {
                let (w0, w1) = (colStart[ow], colEnd[ow])
                guard h0 < h1, w0 < w1 else {
                    body(oh * p.outWidth + ow, -.infinity, -1)
                    continue
                }
                var best = -Double.infinity
                var bestIndex = h0 * width + w0
                // Counted taps rather than `ih += dh` up to h1: a huge dilation must not overflow.
                for ti in 0..<Self.taps(h0, h1, dh) {
                    let ih = h0 + ti * dh
                    for tj in 0..<Self.taps(w0, w1, dw) {
                        let iw = w0 + tj * dw
                        let v = plane[ih * width + iw]
                        let take = replaces(v, best)
                        best = take ? v : best
                        bestIndex = take ? ih * width + iw : bestIndex
                    }
                }
                body(oh * p.outWidth + ow, best, bestIndex)
            }
        }
    }

    /// Taps `start, start + step, ...` below `end` (`start < end`): `(end - start - 1) / step + 1`.
    @inline(__always)
    private static func taps(_ start: Int, _ end: Int, _ step: Int) -> Int {
        (end - start - 1) / step + 1
    }

    /// Whether any of `count` values is a NaN: an integer test on the bits, so the loop vectorizes.
    static func containsNaN(_ x: UnsafePointer<Double>, _ count: Int) -> Bool {
        var flag: UInt64 = 0
        for i in 0..<count {
            flag |= (x[i].bitPattern & 0x7FFF_FFFF_FFFF_FFFF) > 0x7FF0_0000_0000_0000 ? 1 : 0
        }
        return flag != 0
    }
}
