/// The input gradient as implicit GEMMs: for each stride phase `(a, b)` of dx (rows `a + sh*u`,
/// columns `b + sw*v`), the kernel taps that reach it form a stride-1 conv of the zero-padded
/// output gradient:
///
///     dx[c][a + sh*u][b + sw*v] = Σ over o, then i, then j (taps with sh | a + top - i*dh and
///         sw | b + left - j*dw) of W[o][c][i][j] · dy[o][u + r_i][v + s_j],
///     r_i = (a + top - i*dh) / sh, s_j = (b + left - j*dw) / sw (dy is 0 outside its plane),
///
/// one GEMM per phase (`C_in/groups × taps` times the taps' shifted rows of dy, k-sliced as
/// `GEMM.multiply` does), written straight into dx: no col2im and no zero fill. Runs when a
/// group has at least `minChannels` input channels (fewer would leave most of a register tile
/// empty; then dx comes from `ConvKernels`' GEMM + col2im per tile).
struct ImplicitInputGradient {
    /// One stride phase of dx and its taps.
    struct Phase {
        let a: Int
        let b: Int
        /// Rows `u` and columns `v` of dx in this phase.
        let rows: Int
        let cols: Int
        /// `weightTaps[t]`: index of `W[o][0][i][j]` within one group's weights (add `c*kh*kw`).
        let weightTaps: [Int]
        /// `offsets[t]`: the tap's shift in `dyPlanes`.
        let offsets: [Int]
    }

    static let minChannels = 8

    /// Input channels per group: the rows of every phase's product.
    let channels: Int
    /// Stride 2 across: each row of dx is written from its two column phases at once (`scatterPair`).
    let pairsColumnPhases: Bool

    let dyPlanes: PhasePlanes
    let phases: [Phase]
    let sourceCount: Int
    /// The largest phase's padded-width positions (`rows * dyPlanes.wq`).
    let maxColumns: Int

    /// nil when `p`'s input gradient keeps the im2col lowering.
    init?(_ p: ConvPlan, kernel: KernelPath) {
        guard p.inPerGroup >= ImplicitInputGradient.minChannels else { return nil }
        channels = p.inPerGroup
        pairsColumnPhases = p.stride.w == 2
        let rowTaps = ImplicitInputGradient.taps(
            phases: p.stride.h, pad: p.pad.top, dilation: p.dilation.h, kernel: p.kernel.h)
        let colTaps = ImplicitInputGradient.taps(
            phases: p.stride.w, pad: p.pad.left, dilation: p.dilation.w, kernel: p.kernel.w)
        let rows = (0..<p.stride.h).map { a in a < p.height ? (p.height - a + p.stride.h - 1) / p.stride.h : 0 }
        let cols = (0..<p.stride.w).map { b in b < p.width ? (p.width - b + p.stride.w - 1) / p.stride.w : 0 }
        let (top, hd) = ImplicitInputGradient.extent(taps: rowTaps, counts: rows, size: p.outHeight)
        let (left, wd) = ImplicitInputGradient.extent(taps: colTaps, counts: cols, size: p.outWidth)
        guard wd <= 2 * max(1, cols.max() ?? 1) else { return nil }
        dyPlanes = PhasePlanes(
            channels: p.outPerGroup, height: p.outHeight, width: p.outWidth, top: top, left: left, strideH: 1,
            strideW: 1, hq: hd, wq: wd)
        var phases: [Phase] = []
        for a in 0..<p.stride.h where rows[a] > 0 {
            for b in 0..<p.stride.w where cols[b] > 0 {
                var weightTaps: [Int] = []
                var offsets: [Int] = []
                for o in 0..<p.outPerGroup {
                    for (i, r) in rowTaps[a] {
                        for (j, s) in colTaps[b] {
                            weightTaps.append((o * p.inPerGroup * p.kernel.h + i) * p.kernel.w + j)
                            offsets.append(dyPlanes.offset(channel: o, row: r + top, column: s + left))
                        }
                    }
                }
                phases.append(Phase(a: a, b: b, rows: rows[a], cols: cols[b], weightTaps: weightTaps, offsets: offsets))
            }
        }
        self.phases = phases
        maxColumns = (rows.max() ?? 0) * wd
        let maxOffset = phases.flatMap(\.offsets).max() ?? 0
        sourceCount = max(dyPlanes.contentCount, maxOffset + roundUp(maxColumns, kernel.nr) + 1)
    }

    /// For each phase `a < phases`, the taps `(i, r_i)` with `phases | a + pad - i*dilation`.
    private static func taps(phases: Int, pad: Int, dilation: Int, kernel: Int) -> [[(Int, Int)]] {
        (0..<phases).map { a in
            (0..<kernel).compactMap { i in
                let t = a + pad - i * dilation
                return t % phases == 0 ? (i, t / phases) : nil
            }
        }
    }

    /// The zero padding before dy and the padded size so that every tap's row `u + r` of every
    /// phase's `counts[a]` rows lies inside.
    private static func extent(taps: [[(Int, Int)]], counts: [Int], size: Int) -> (before: Int, total: Int) {
        var before = 0
        for (a, list) in taps.enumerated() where counts[a] > 0 {
            for (_, r) in list { before = max(before, -r) }
        }
        var total = before + size
        for (a, list) in taps.enumerated() where counts[a] > 0 {
            for (_, r) in list { total = max(total, r + before + counts[a]) }
        }
        return (before, total)
    }

    /// Each phase's weights `A[c][t] = W_g[o_t][c][i_t][j_t]`, packed (one per phase; nil for a
    /// phase no tap reaches).
    func packWeights(_ wGroup: UnsafePointer<Double>, _ p: ConvPlan, kernel: KernelPath) -> [PackedWeights?] {
        let taps = p.kernel.h * p.kernel.w
        return phases.map { phase in
            let k = phase.weightTaps.count
            guard k > 0 else { return nil }
            var gathered = [Double](repeating: 0, count: p.inPerGroup * k)
            for c in 0..<p.inPerGroup {
                for t in 0..<k { gathered[c * k + t] = wGroup[phase.weightTaps[t] + c * taps] }
            }
            return gathered.withUnsafeBufferPointer { buffer in
                PackedWeights(m: p.inPerGroup, k: k, a: buffer.baseAddress!, lda: k, kernel: kernel)
            }
        }
    }

    /// Doubles of one phase's product: `C_in/groups` rows rounded up to `mr`, times the widest
    /// phase's columns rounded up to `nr`.
    func cStride(_ kernel: KernelPath) -> Int { roundUp(channels, kernel.mr) * roundUp(maxColumns, kernel.nr) }

    /// Doubles of the C buffer `run` takes: two phases' products with stride 2 across (the two
    /// column phases of a row of dx are written together, `scatterPair`), else one.
    func cCount(_ kernel: KernelPath) -> Int { (pairsColumnPhases ? 2 : 1) * cStride(kernel) }

    /// dx of one image and group: `dy` its `(C_out/groups, H_out, W_out)` planes, `dx` its
    /// `(C_in/groups, H, W)` planes (every element written); `source` holds `sourceCount`
    /// doubles (`sourceFilled`: another image's planes, whose zeros are reused) and `c` `cCount` doubles.
    func run(
        dy: UnsafePointer<Double>, dx: UnsafeMutablePointer<Double>, weights: [PackedWeights?], conv: ImplicitConv,
        source: UnsafeMutablePointer<Double>, sourceFilled: Bool, c: UnsafeMutablePointer<Double>
    ) {
        let p = conv.p
        dyPlanes.fill(dy, into: source, count: sourceCount, interiorOnly: sourceFilled)
        var index = 0
        while index < phases.count {
            let phase = phases[index]
            let ldc = roundUp(phase.rows * dyPlanes.wq, conv.kernel.nr)
            product(index, weights, conv: conv, source: source, into: c, ldc: ldc)
            if pairsColumnPhases, phase.b == 0, index + 1 < phases.count, phases[index + 1].a == phase.a {
                // Phases (a, 0) and (a, 1): same rows, so the same ldc.
                let odd = c + cStride(conv.kernel)
                product(index + 1, weights, conv: conv, source: source, into: odd, ldc: ldc)
                scatterPair(c, odd, ldc: ldc, even: phase, odd: phases[index + 1], into: dx, p)
                index += 2
                continue
            }
            scatter(c, ldc: ldc, phase: phase, into: dx, p)
            index += 1
        }
    }

    /// Phase `index`'s product into `c` (zeros for a phase no tap reaches).
    private func product(
        _ index: Int, _ weights: [PackedWeights?], conv: ImplicitConv, source: UnsafeMutablePointer<Double>,
        into c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        let phase = phases[index]
        guard let packed = weights[index] else { return c.update(repeating: 0, count: channels * ldc) }
        conv.multiply(packed, source: source, offsets: phase.offsets, columns: phase.rows * dyPlanes.wq, c: c)
    }

    /// The rows of phases `(a, 0)` and `(a, 1)` of stride-2 dx interleaved into dx's rows: whole
    /// vectors stored, dx never read (`scatter` would write every other element of each row twice
    /// over, reading the row each time).
    private func scatterPair(
        _ even: UnsafePointer<Double>, _ odd: UnsafePointer<Double>, ldc: Int, even evenPhase: Phase,
        odd oddPhase: Phase, into dx: UnsafeMutablePointer<Double>, _ p: ConvPlan
    ) {
        let wq = dyPlanes.wq
        for ch in 0..<channels {
            for u in 0..<evenPhase.rows {
                let dst = dx + ch * p.inPlane + (evenPhase.a + p.stride.h * u) * p.width
                let offset = ch * ldc + u * wq
                interleave(even + offset, odd + offset, into: dst, evenCount: evenPhase.cols, oddCount: oddPhase.cols)
            }
        }
    }

    /// `dx[ch][a + sh*u][b + sw*v] = C[ch][u*wq + v]`.
    private func scatter(
        _ c: UnsafePointer<Double>, ldc: Int, phase: Phase, into dx: UnsafeMutablePointer<Double>, _ p: ConvPlan
    ) {
        let (sh, sw, wq) = (p.stride.h, p.stride.w, dyPlanes.wq)
        for ch in 0..<p.inPerGroup {
            let plane = dx + ch * p.inPlane
            let row = c + ch * ldc
            for u in 0..<phase.rows {
                let dst = plane + (phase.a + sh * u) * p.width + phase.b
                let src = row + u * wq
                scatterStrided(src, into: dst, stride: sw, count: phase.cols)
            }
        }
    }
}

/// `dst[2t] = even[t]` for `t < evenCount` and `dst[2t + 1] = odd[t]` for `t < oddCount`
/// (`oddCount` is `evenCount` or one less), eight values per store.
@inline(__always)
private func interleave(
    _ even: UnsafePointer<Double>, _ odd: UnsafePointer<Double>, into dst: UnsafeMutablePointer<Double>,
    evenCount: Int, oddCount: Int
) {
    var t = 0
    while t + 4 <= oddCount {
        var eight = SIMD8<Double>()
        eight.evenHalf = load4(even + t)
        eight.oddHalf = load4(odd + t)
        UnsafeMutableRawPointer(dst + 2 * t).storeBytes(of: eight, as: SIMD8<Double>.self)
        t += 4
    }
    while t < evenCount {
        dst[2 * t] = even[t]
        if t < oddCount { dst[2 * t + 1] = odd[t] }
        t += 1
    }
}
