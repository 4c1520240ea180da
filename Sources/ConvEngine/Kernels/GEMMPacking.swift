/// Packing copies a block of op(A) or op(B) into the order the microkernel reads it, so the inner
/// loop walks memory contiguously whatever the operands' transposes and leading dimensions.
/// Full-width panels are copied with 4-wide vectors (4×4 transposes where the layout turns).
extension GEMMOperands {
    /// Packs `op(A)[rows, p0 ..< p0+kc]` as micro-panels of `mr` (the kernel's: 4 or 8) rows:
    /// element `(i, p)` of panel `q` goes to `dst[q*mr*kc + p*mr + i]`. Rows past the end are zero
    /// so edge tiles need no special case in the microkernel. Each panel is packed as `mr / 4`
    /// strips of 4 rows.
    func packA(rows: Range<Int>, p0: Int, kc: Int, into dst: UnsafeMutablePointer<Double>) {
        let mr = kernel.mr
        var out = dst
        for i0 in stride(from: rows.lowerBound, to: rows.upperBound, by: mr) {
            for strip in stride(from: 0, to: mr, by: 4) {
                let live = max(0, min(4, rows.upperBound - i0 - strip))
                if transposeA {
                    // op(A)[i, p] = a[p*lda + i]: each p is 4 contiguous values.
                    let source = a + p0 * lda + i0 + strip
                    packStrips(from: source, stride: lda, live: live, count: kc, into: out + strip, outStride: mr)
                } else {
                    // op(A)[i, p] = a[i*lda + p]: each row is contiguous in p; transpose 4×4 blocks.
                    let source = a + (i0 + strip) * lda + p0
                    packRows(from: source, stride: lda, live: live, count: kc, into: out + strip, outStride: mr)
                }
            }
            out += mr * kc
        }
    }

    /// Packs `op(B)[p0 ..< p0+kc, cols]` as micro-panels of `nr` columns: element `(p, j)` of
    /// panel `q` goes to `dst[q*nr*kc + p*nr + j]`; columns past the end are zero. Each panel
    /// is packed as `nr / 4` strips of 4 columns.
    func packB(cols: Range<Int>, p0: Int, kc: Int, into dst: UnsafeMutablePointer<Double>) {
        let nr = kernel.nr
        var out = dst
        for j0 in stride(from: cols.lowerBound, to: cols.upperBound, by: nr) {
            for strip in stride(from: 0, to: nr, by: 4) {
                let live = max(0, min(4, cols.upperBound - j0 - strip))
                if transposeB {
                    // op(B)[p, j] = b[j*ldb + p]: columns j are contiguous in p.
                    let source = b + (j0 + strip) * ldb + p0
                    packRows(from: source, stride: ldb, live: live, count: kc, into: out + strip, outStride: nr)
                } else {
                    // op(B)[p, j] = b[p*ldb + j]: each p is nr contiguous values.
                    let source = b + p0 * ldb + j0 + strip
                    packStrips(from: source, stride: ldb, live: live, count: kc, into: out + strip, outStride: nr)
                }
            }
            out += nr * kc
        }
    }
}

/// `out[p*outStride + i] = src[p*stride + i]` for `i < live` (0 for `live <= i < 4`), `p < count`.
@inline(__always)
private func packStrips(
    from src: UnsafePointer<Double>, stride: Int, live: Int, count: Int,
    into out: UnsafeMutablePointer<Double>, outStride: Int = 4
) {
    if live == 4 {
        for p in 0..<count {
            let v = UnsafeRawPointer(src + p * stride).loadUnaligned(as: SIMD4<Double>.self)
            UnsafeMutableRawPointer(out + p * outStride).storeBytes(of: v, as: SIMD4<Double>.self)
        }
        return
    }
    for p in 0..<count {
        for i in 0..<4 { out[p * outStride + i] = i < live ? src[p * stride + i] : 0 }
    }
}

/// `out[p*outStride + i] = src[i*stride + p]` for `i < live` (0 for `live <= i < 4`), `p < count`:
/// four rows, each contiguous in p, interleaved.
@inline(__always)
private func packRows(
    from src: UnsafePointer<Double>, stride: Int, live: Int, count: Int,
    into out: UnsafeMutablePointer<Double>, outStride: Int = 4
) {
    guard live == 4 else {
        for p in 0..<count {
            for i in 0..<4 { out[p * outStride + i] = i < live ? src[i * stride + p] : 0 }
        }
        return
    }
    let rows = (src, src + stride, src + 2 * stride, src + 3 * stride)
    var p = 0
    while p + 4 <= count {
        let columns = transposed4x4(
            load4(rows.0 + p), load4(rows.1 + p), load4(rows.2 + p), load4(rows.3 + p))
        store4(columns.0, out + p * outStride)
        store4(columns.1, out + (p + 1) * outStride)
        store4(columns.2, out + (p + 2) * outStride)
        store4(columns.3, out + (p + 3) * outStride)
        p += 4
    }
    while p < count {
        store4(SIMD4(rows.0[p], rows.1[p], rows.2[p], rows.3[p]), out + p * outStride)
        p += 1
    }
}

@inline(__always)
func load4(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}

@inline(__always)
func store4(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
}

/// The columns of the 4×4 matrix whose rows are `r0...r3`.
@inline(__always)
func transposed4x4(
    _ r0: SIMD4<Double>, _ r1: SIMD4<Double>, _ r2: SIMD4<Double>, _ r3: SIMD4<Double>
) -> (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>) {
    let t0 = SIMD4(lowHalf: r0.lowHalf, highHalf: r1.lowHalf)  // a0 a1 b0 b1
    let t1 = SIMD4(lowHalf: r2.lowHalf, highHalf: r3.lowHalf)  // c0 c1 d0 d1
    let t2 = SIMD4(lowHalf: r0.highHalf, highHalf: r1.highHalf)  // a2 a3 b2 b3
    let t3 = SIMD4(lowHalf: r2.highHalf, highHalf: r3.highHalf)  // c2 c3 d2 d3
    return (
        SIMD4(lowHalf: t0.evenHalf, highHalf: t1.evenHalf), SIMD4(lowHalf: t0.oddHalf, highHalf: t1.oddHalf),
        SIMD4(lowHalf: t2.evenHalf, highHalf: t3.evenHalf), SIMD4(lowHalf: t2.oddHalf, highHalf: t3.oddHalf)
    )
}
