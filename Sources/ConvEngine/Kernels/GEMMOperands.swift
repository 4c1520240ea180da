/// The operands of one `GEMM.multiply` call: raw pointers with their layouts.
///
/// `@unchecked Sendable`: worker threads only read `a` and `b` and each writes a disjoint
/// rectangle of `c` (its own chunk), so sharing these pointers across threads is race-free.
struct GEMMOperands: @unchecked Sendable {
    let a: UnsafePointer<Double>
    let lda: Int
    let transposeA: Bool
    let b: UnsafePointer<Double>
    let ldb: Int
    let transposeB: Bool
    let c: UnsafeMutablePointer<Double>
    let ldc: Int
    let k: Int
    let accumulate: Bool
    /// The microkernel every tile of this product runs (read once per `GEMM.multiply`, so a
    /// product's workers all use the same one).
    var kernel: KernelPath = KernelPath.active

    /// `op(A)[i, p]`.
    @inline(__always) func opA(_ i: Int, _ p: Int) -> Double {
        transposeA ? a[p &* lda &+ i] : a[i &* lda &+ p]
    }

    /// `op(B)[p, j]`.
    @inline(__always) func opB(_ p: Int, _ j: Int) -> Double {
        transposeB ? b[j &* ldb &+ p] : b[p &* ldb &+ j]
    }
}

/// A rectangle of C: rows `rows`, columns `cols`.
struct GEMMRegion: Sendable {
    var rows: Range<Int>
    var cols: Range<Int>
}
