/// The max pool's most common shape on a fast path: kernel 2x2, stride 2, no padding, dilation 1,
/// every window inside the input (so ceil_mode adds no partial window). Output row `i` reads the
/// input row pair `2i, 2i+1`; output column `j` the columns `2j, 2j+1`. No window tables, no
/// per-window index arithmetic: the loops stream over two contiguous input rows.
///
/// Same results as `PoolWindows.forEachArgmax`, bit for bit: the window is scanned in row-major
/// order `a = x[2i][2j], b = x[2i][2j+1], c = x[2i+1][2j], d = x[2i+1][2j+1]` with
/// `best = v > best || v.isNaN ? v : best` (the first maximum wins ties, the last NaN wins). Starting
/// from `best = a` equals the general scan's start from `-inf` (a NaN or anything above -inf replaces
/// it; `a = -inf` leaves -inf with index a). Without NaNs, `v.isNaN` is always false, so one kernel
/// serves planes with and without NaNs. Four windows at a time as SIMD lanes (rows of fewer than four windows one by one).
enum MaxPool2x2 {
    /// Whether `p` is the 2x2 / stride 2 / no padding / dilation 1 pool with only full windows.
    static func applies(_ p: PoolPlan) -> Bool {
        p.kernel == Pair(2) && p.stride == Pair(2) && p.padding == Pair(0) && p.dilation == Pair(1)
            && p.outHeight <= p.height / 2 && p.outWidth <= p.width / 2
    }

    /// `best` replaced by `v` as PyTorch's CPU kernel scans: `v > best || isnan(v)`.
    @inline(__always)
    private static func pick(_ v: Double, over best: Double) -> Bool { v > best || v.isNaN }

    /// The same test for four windows at once.
    @inline(__always)
    private static func pick(_ v: Quad, over best: Quad) -> SIMDMask<SIMD4<Int64>> { (v .> best) .| (v .!= v) }

    typealias Quad = SIMD4<Double>
    typealias Octet = SIMD8<Double>

    /// Four adjacent windows of a row pair: their maximum and which of b, c, d took over (the last
    /// one that did is the argmax; none means a).
    @inline(__always)
    private static func scan4(_ top: UnsafePointer<Double>, _ bottom: UnsafePointer<Double>)
        -> (best: Quad, tookB: SIMDMask<SIMD4<Int64>>, tookC: SIMDMask<SIMD4<Int64>>, tookD: SIMDMask<SIMD4<Int64>>)
    {
        let upper = UnsafeRawPointer(top).loadUnaligned(as: Octet.self)
        let lower = UnsafeRawPointer(bottom).loadUnaligned(as: Octet.self)
        let (a, b, c, d) = (upper.evenHalf, upper.oddHalf, lower.evenHalf, lower.oddHalf)
        let tookB = pick(b, over: a)
        var best = a.replacing(with: b, where: tookB)
        let tookC = pick(c, over: best)
        best.replace(with: c, where: tookC)
        let tookD = pick(d, over: best)
        best.replace(with: d, where: tookD)
        return (best, tookB, tookC, tookD)
    }

    /// The four-window blocks of a row of `outWidth` windows, as positions stepping by 4 (none for
    /// rows of fewer than 4 windows); `blockStart` moves the last one back to end at the last window
    /// when `outWidth` is not a multiple of 4. That block overlaps the one before; the overlapped
    /// windows are written again with the same values (plain stores, not sums), so the result does
    /// not change.
    @inline(__always)
    private static func blocks(_ outWidth: Int) -> StrideTo<Int> {
        stride(from: 0, to: outWidth < 4 ? 0 : outWidth, by: 4)
    }

    @inline(__always)
    private static func blockStart(_ position: Int, _ outWidth: Int) -> Int { min(position, outWidth - 4) }

    /// The windows no block covers: all of them in a row of fewer than 4.
    @inline(__always)
    private static func scalarColumns(_ outWidth: Int) -> Range<Int> {
        outWidth < 4 ? 0..<outWidth : outWidth..<outWidth
    }

    /// One plane's maxima: `y[i][j] = max(a, b, c, d)` in scan order (see the type's comment).
    static func forward(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ p: PoolPlan) {
        let (width, outWidth) = (p.width, p.outWidth)
        for oh in 0..<p.outHeight {
            let top = x + 2 * oh * width
            let bottom = top + width
            let out = y + oh * outWidth
            for position in blocks(outWidth) {
                let ow = blockStart(position, outWidth)
                UnsafeMutableRawPointer(out + ow).storeBytes(
                    of: scan4(top + 2 * ow, bottom + 2 * ow).best, as: Quad.self)
            }
            for ow in scalarColumns(outWidth) {
                var best = top[2 * ow]
                let (b, c, d) = (top[2 * ow + 1], bottom[2 * ow], bottom[2 * ow + 1])
                best = pick(b, over: best) ? b : best
                best = pick(c, over: best) ? c : best
                best = pick(d, over: best) ? d : best
                out[ow] = best
            }
        }
    }

    /// One plane's input gradient: each `dy[i][j]` goes to its window's argmax (`0 + dy`, exactly as
    /// the general path's `dx[index] += dy` on a zeroed gradient), the window's other three elements
    /// get 0. Windows do not overlap, so each element gets one value (stored, not summed; an
    /// overlapping last block stores some again, identically); the elements no window covers (an
    /// odd last row or column) are left as they are (zero).
    static func backward(
        _ x: UnsafePointer<Double>, _ dy: UnsafePointer<Double>, _ dx: UnsafeMutablePointer<Double>, _ p: PoolPlan
    ) {
        let (width, outWidth) = (p.width, p.outWidth)
        for oh in 0..<p.outHeight {
            let (top, dTop) = (x + 2 * oh * width, dx + 2 * oh * width)
            let (bottom, dBottom) = (top + width, dTop + width)
            let g = dy + oh * outWidth
            for position in blocks(outWidth) {
                let ow = blockStart(position, outWidth)
                let w = scan4(top + 2 * ow, bottom + 2 * ow)
                let routed = Quad(repeating: 0) + UnsafeRawPointer(g + ow).loadUnaligned(as: Quad.self)
                let zero = Quad(repeating: 0)
                var upper = Octet()
                var lower = Octet()
                upper.evenHalf = zero.replacing(with: routed, where: .!(w.tookB .| w.tookC .| w.tookD))
                upper.oddHalf = zero.replacing(with: routed, where: w.tookB .& .!(w.tookC .| w.tookD))
                lower.evenHalf = zero.replacing(with: routed, where: w.tookC .& .!w.tookD)
                lower.oddHalf = zero.replacing(with: routed, where: w.tookD)
                UnsafeMutableRawPointer(dTop + 2 * ow).storeBytes(of: upper, as: Octet.self)
                UnsafeMutableRawPointer(dBottom + 2 * ow).storeBytes(of: lower, as: Octet.self)
            }
            for ow in scalarColumns(outWidth) {
                let (a, b, c, d) = (top[2 * ow], top[2 * ow + 1], bottom[2 * ow], bottom[2 * ow + 1])
                let tookB = pick(b, over: a)
                let afterB = tookB ? b : a
                let tookC = pick(c, over: afterB)
                let tookD = pick(d, over: tookC ? c : afterB)
                let routed = 0 + g[ow]
                dTop[2 * ow] = !tookB && !tookC && !tookD ? routed : 0
                dTop[2 * ow + 1] = tookB && !tookC && !tookD ? routed : 0
                dBottom[2 * ow] = tookC && !tookD ? routed : 0
                dBottom[2 * ow + 1] = tookD ? routed : 0
            }
        }
    }
}
