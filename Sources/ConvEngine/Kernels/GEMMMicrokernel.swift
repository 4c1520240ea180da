/// `acc + a * b`: one fused multiply-add (vfmadd231pd on ymm) when the target has FMA, else a
/// multiply then an add. Never `addProduct` without FMA: it becomes a scalar `fma()` call per
/// lane, 50x slower (shared/PERF-NOTES.md).
@inline(__always)
func multiplyAdd(_ acc: inout SIMD4<Double>, _ a: SIMD4<Double>, _ b: SIMD4<Double>) {
    #if CONVGRAD_FMA
    acc.addProduct(a, b)
    #else
    acc += a * b
    #endif
}

/// The scalar twin of `multiplyAdd`, rounding exactly as one of its lanes does.
@inline(__always)
func multiplyAdd(_ acc: inout Double, _ a: Double, _ b: Double) {
    #if CONVGRAD_FMA
    acc.addProduct(a, b)
    #else
    acc += a * b
    #endif
}

/// One `mr × nr` (4×8) tile of C from packed panels: `tile = Σ_p a[p, :] ⊗ b[p, :]` summed in
/// increasing p from zero, then `C = C + tile` (`addToC`) or `C = tile`.
///
/// `a` is a packed A micro-panel (`kc × 4`), `b` a packed B micro-panel (`kc × 8`). Only the
/// top-left `rows × cols` of the tile is stored; `scratch` (32 doubles) holds edge tiles.
/// Written out by hand so the 8 accumulators, 2 B vectors and 4 broadcasts fit the 16 ymm
/// registers even when the compiler hoists every load (it does; a 6×8 tile spilled).
@inline(__always)
func microkernel4x8(
    kc: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
    c: UnsafeMutablePointer<Double>, ldc: Int, rows: Int, cols: Int, addToC: Bool,
    scratch: UnsafeMutablePointer<Double>
) {
    var c00 = SIMD4<Double>(), c01 = SIMD4<Double>()
    var c10 = SIMD4<Double>(), c11 = SIMD4<Double>()
    var c20 = SIMD4<Double>(), c21 = SIMD4<Double>()
    var c30 = SIMD4<Double>(), c31 = SIMD4<Double>()
    let rawB = UnsafeRawPointer(b)
    var ap = a
    var offset = 0
    for _ in 0..<kc {
        let b0 = rawB.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self)
        let b1 = rawB.loadUnaligned(fromByteOffset: offset + 32, as: SIMD4<Double>.self)
        var x = SIMD4<Double>(repeating: ap[0])
        multiplyAdd(&c00, x, b0); multiplyAdd(&c01, x, b1)
        x = SIMD4<Double>(repeating: ap[1])
        multiplyAdd(&c10, x, b0); multiplyAdd(&c11, x, b1)
        x = SIMD4<Double>(repeating: ap[2])
        multiplyAdd(&c20, x, b0); multiplyAdd(&c21, x, b1)
        x = SIMD4<Double>(repeating: ap[3])
        multiplyAdd(&c30, x, b0); multiplyAdd(&c31, x, b1)
        ap += 4
        offset += 64
    }
    if rows == 4 && cols == 8 {
        store(c00, c01, to: c, addToC)
        store(c10, c11, to: c + ldc, addToC)
        store(c20, c21, to: c + 2 * ldc, addToC)
        store(c30, c31, to: c + 3 * ldc, addToC)
        return
    }
    store(c00, c01, to: scratch, false)
    store(c10, c11, to: scratch + 8, false)
    store(c20, c21, to: scratch + 16, false)
    store(c30, c31, to: scratch + 24, false)
    storeEdge(scratch, c: c, ldc: ldc, rows: rows, cols: cols, addToC: addToC)
}

/// `C[0..<8] = (addToC ? C : 0) + [lo, hi]`, unaligned.
@inline(__always)
private func store(_ lo: SIMD4<Double>, _ hi: SIMD4<Double>, to c: UnsafeMutablePointer<Double>, _ addToC: Bool) {
    let raw = UnsafeMutableRawPointer(c)
    if addToC {
        raw.storeBytes(of: raw.loadUnaligned(as: SIMD4<Double>.self) + lo, as: SIMD4<Double>.self)
        raw.storeBytes(
            of: raw.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self) + hi,
            toByteOffset: 32, as: SIMD4<Double>.self)
    } else {
        raw.storeBytes(of: lo, as: SIMD4<Double>.self)
        raw.storeBytes(of: hi, toByteOffset: 32, as: SIMD4<Double>.self)
    }
}

/// Stores the live `rows × cols` corner of a tile held in `scratch` (4×8 row-major), with the
/// same rounding as `store`.
@inline(never)
private func storeEdge(
    _ scratch: UnsafeMutablePointer<Double>,
    c: UnsafeMutablePointer<Double>, ldc: Int, rows: Int, cols: Int, addToC: Bool
) {
    for i in 0..<rows {
        for j in 0..<cols {
            let value = scratch[i * 8 + j]
            c[i * ldc + j] = addToC ? c[i * ldc + j] + value : value
        }
    }
}
