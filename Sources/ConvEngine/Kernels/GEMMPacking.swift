/// Packing copies a block of op(A) or op(B) into the order the microkernel reads it, so the inner
/// loop walks memory contiguously whatever the operands' transposes and leading dimensions.
extension GEMMOperands {
    /// Packs `op(A)[rows, p0 ..< p0+kc]` as micro-panels of `mr` rows: element `(i, p)` of panel
    /// `q` goes to `dst[q*mr*kc + p*mr + i]`. Rows past the end are zero so edge tiles need no
    /// special case in the microkernel.
    func packA(rows: Range<Int>, p0: Int, kc: Int, into dst: UnsafeMutablePointer<Double>) {
        let mr = GEMMBlocking.mr
        var out = dst
        for i0 in stride(from: rows.lowerBound, to: rows.upperBound, by: mr) {
            let live = min(mr, rows.upperBound - i0)
            if transposeA {
                for p in 0..<kc {
                    let src = a + (p0 + p) * lda + i0
                    for i in 0..<live { out[p * mr + i] = src[i] }
                    for i in live..<mr { out[p * mr + i] = 0 }
                }
            } else {
                for i in 0..<mr {
                    if i < live {
                        let src = a + (i0 + i) * lda + p0
                        for p in 0..<kc { out[p * mr + i] = src[p] }
                    } else {
                        for p in 0..<kc { out[p * mr + i] = 0 }
                    }
                }
            }
            out += mr * kc
        }
    }

    /// Packs `op(B)[p0 ..< p0+kc, cols]` as micro-panels of `nr` columns: element `(p, j)` of
    /// panel `q` goes to `dst[q*nr*kc + p*nr + j]`; columns past the end are zero.
    func packB(cols: Range<Int>, p0: Int, kc: Int, into dst: UnsafeMutablePointer<Double>) {
        let nr = GEMMBlocking.nr
        var out = dst
        for j0 in stride(from: cols.lowerBound, to: cols.upperBound, by: nr) {
            let live = min(nr, cols.upperBound - j0)
            if transposeB {
                for j in 0..<nr {
                    if j < live {
                        let src = b + (j0 + j) * ldb + p0
                        for p in 0..<kc { out[p * nr + j] = src[p] }
                    } else {
                        for p in 0..<kc { out[p * nr + j] = 0 }
                    }
                }
            } else {
                for p in 0..<kc {
                    let src = b + (p0 + p) * ldb + j0
                    for j in 0..<live { out[p * nr + j] = src[j] }
                    for j in live..<nr { out[p * nr + j] = 0 }
                }
            }
            out += nr * kc
        }
    }
}
