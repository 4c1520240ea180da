/// `acc + a * b`, a multiply then an add: this is the portable path, which must run on CPUs
/// without FMA (and where the target lacks FMA, `addProduct` becomes a scalar `fma()` call per
/// lane, 50x slower: shared/PERF-NOTES.md). The fused kernels are Sources/GEMMMicrokernels.
@inline(__always)
func multiplyAdd(_ acc: inout SIMD4<Double>, _ a: SIMD4<Double>, _ b: SIMD4<Double>) {
    acc += a * b
}

/// The scalar twin of `multiplyAdd`, rounding exactly as one of its lanes does.
@inline(__always)
func multiplyAdd(_ acc: inout Double, _ a: Double, _ b: Double) {
    acc += a * b
}

/// The portable path's (`KernelPath.portable`) kernel: one `mr × nr` (4×12) tile of C from packed panels: `tile = Σ_p a[p, :] ⊗ b[p, :]` summed in
/// increasing p from zero, then `C = C + tile` (`addToC`) or `C = tile`.
///
/// `a` is a packed A micro-panel (`kc × 4`), `b` a B micro-panel (`kc × 12`, rows `bStride`
/// doubles apart: 12 when packed, `ldb` when read in place). Only the top-left `rows × cols` of
/// the tile is stored; `scratch` (48 doubles) holds edge tiles. Written out by hand: 12
/// accumulators (enough independent FMA chains to cover FMA latency on both pipes), 3 B
/// vectors and one broadcast at a time fill the 16 ymm registers.
@inline(__always)
func microkernel(
    kc: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, bStride: Int,
    c: UnsafeMutablePointer<Double>, ldc: Int, rows: Int, cols: Int, addToC: Bool,
    scratch: UnsafeMutablePointer<Double>
) {
    let rowBytes = bStride * 8
    var c00 = SIMD4<Double>()
    var c01 = SIMD4<Double>()
    var c02 = SIMD4<Double>()
    var c10 = SIMD4<Double>()
    var c11 = SIMD4<Double>()
    var c12 = SIMD4<Double>()
    var c20 = SIMD4<Double>()
    var c21 = SIMD4<Double>()
    var c22 = SIMD4<Double>()
    var c30 = SIMD4<Double>()
    var c31 = SIMD4<Double>()
    var c32 = SIMD4<Double>()
    var bp = UnsafeRawPointer(b)
    var ap = a
    for _ in 0..<kc {
        let b0 = bp.loadUnaligned(as: SIMD4<Double>.self)
        let b1 = bp.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self)
        let b2 = bp.loadUnaligned(fromByteOffset: 64, as: SIMD4<Double>.self)
        var x = SIMD4<Double>(repeating: ap[0])
        multiplyAdd(&c00, x, b0)
        multiplyAdd(&c01, x, b1)
        multiplyAdd(&c02, x, b2)
        x = SIMD4<Double>(repeating: ap[1])
        multiplyAdd(&c10, x, b0)
        multiplyAdd(&c11, x, b1)
        multiplyAdd(&c12, x, b2)
        x = SIMD4<Double>(repeating: ap[2])
        multiplyAdd(&c20, x, b0)
        multiplyAdd(&c21, x, b1)
        multiplyAdd(&c22, x, b2)
        x = SIMD4<Double>(repeating: ap[3])
        multiplyAdd(&c30, x, b0)
        multiplyAdd(&c31, x, b1)
        multiplyAdd(&c32, x, b2)
        ap += 4
        bp += rowBytes
    }
    storeTile(
        (c00, c01, c02), (c10, c11, c12), (c20, c21, c22), (c30, c31, c32),
        c: c, ldc: ldc, rows: rows, cols: cols, addToC: addToC, scratch: scratch)
}

/// `microkernel` with A read in place: rows `lda` apart, each contiguous in p (a non-transposed A
/// whose block only one or two B panels use, so packing it would cost more than it saves; e.g.
/// a dense layer's `x · Wᵀ` with 10 outputs). Same products in the same order, same bits.
@inline(__always)
func microkernelRowsA(
    kc: Int, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, bStride: Int,
    c: UnsafeMutablePointer<Double>, ldc: Int, cols: Int, addToC: Bool,
    scratch: UnsafeMutablePointer<Double>
) {
    let rowBytes = bStride * 8
    var c00 = SIMD4<Double>()
    var c01 = SIMD4<Double>()
    var c02 = SIMD4<Double>()
    var c10 = SIMD4<Double>()
    var c11 = SIMD4<Double>()
    var c12 = SIMD4<Double>()
    var c20 = SIMD4<Double>()
    var c21 = SIMD4<Double>()
    var c22 = SIMD4<Double>()
    var c30 = SIMD4<Double>()
    var c31 = SIMD4<Double>()
    var c32 = SIMD4<Double>()
    var bp = UnsafeRawPointer(b)
    let a0 = a
    let a1 = a + lda
    let a2 = a + 2 * lda
    let a3 = a + 3 * lda
    for p in 0..<kc {
        let b0 = bp.loadUnaligned(as: SIMD4<Double>.self)
        let b1 = bp.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self)
        let b2 = bp.loadUnaligned(fromByteOffset: 64, as: SIMD4<Double>.self)
        var x = SIMD4<Double>(repeating: a0[p])
        multiplyAdd(&c00, x, b0)
        multiplyAdd(&c01, x, b1)
        multiplyAdd(&c02, x, b2)
        x = SIMD4<Double>(repeating: a1[p])
        multiplyAdd(&c10, x, b0)
        multiplyAdd(&c11, x, b1)
        multiplyAdd(&c12, x, b2)
        x = SIMD4<Double>(repeating: a2[p])
        multiplyAdd(&c20, x, b0)
        multiplyAdd(&c21, x, b1)
        multiplyAdd(&c22, x, b2)
        x = SIMD4<Double>(repeating: a3[p])
        multiplyAdd(&c30, x, b0)
        multiplyAdd(&c31, x, b1)
        multiplyAdd(&c32, x, b2)
        bp += rowBytes
    }
    storeTile(
        (c00, c01, c02), (c10, c11, c12), (c20, c21, c22), (c30, c31, c32),
        c: c, ldc: ldc, rows: 4, cols: cols, addToC: addToC, scratch: scratch)
}

/// Stores a 4×12 tile (rows of three vectors) into C, or its live corner via `scratch`.
@inline(__always)
private func storeTile(
    _ r0: (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>), _ r1: (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>),
    _ r2: (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>), _ r3: (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>),
    c: UnsafeMutablePointer<Double>, ldc: Int, rows: Int, cols: Int, addToC: Bool,
    scratch: UnsafeMutablePointer<Double>
) {
    if rows == 4 && cols == 12 {
        store(r0.0, r0.1, r0.2, to: c, addToC)
        store(r1.0, r1.1, r1.2, to: c + ldc, addToC)
        store(r2.0, r2.1, r2.2, to: c + 2 * ldc, addToC)
        store(r3.0, r3.1, r3.2, to: c + 3 * ldc, addToC)
        return
    }
    store(r0.0, r0.1, r0.2, to: scratch, false)
    store(r1.0, r1.1, r1.2, to: scratch + 12, false)
    store(r2.0, r2.1, r2.2, to: scratch + 24, false)
    store(r3.0, r3.1, r3.2, to: scratch + 36, false)
    storeEdge(scratch, c: c, ldc: ldc, rows: rows, cols: cols, addToC: addToC)
}

/// `C[0..<12] = (addToC ? C : 0) + [v0, v1, v2]`, unaligned.
@inline(__always)
private func store(
    _ v0: SIMD4<Double>, _ v1: SIMD4<Double>, _ v2: SIMD4<Double>, to c: UnsafeMutablePointer<Double>, _ addToC: Bool
) {
    store(v0, to: c, addToC)
    store(v1, to: c + 4, addToC)
    store(v2, to: c + 8, addToC)
}

@inline(__always)
private func store(_ v: SIMD4<Double>, to c: UnsafeMutablePointer<Double>, _ addToC: Bool) {
    let raw = UnsafeMutableRawPointer(c)
    raw.storeBytes(of: addToC ? raw.loadUnaligned(as: SIMD4<Double>.self) + v : v, as: SIMD4<Double>.self)
}

/// Stores the live `rows × cols` corner of a tile held in `scratch` (4×12 row-major), with the
/// same rounding as `store`.
@inline(never)
private func storeEdge(
    _ scratch: UnsafeMutablePointer<Double>,
    c: UnsafeMutablePointer<Double>, ldc: Int, rows: Int, cols: Int, addToC: Bool
) {
    for i in 0..<rows {
        for j in 0..<cols {
            let value = scratch[i * 12 + j]
            c[i * ldc + j] = addToC ? c[i * ldc + j] + value : value
        }
    }
}
