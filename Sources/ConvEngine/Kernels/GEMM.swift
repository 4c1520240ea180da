/// Dense matrix multiply on row-major float64 matrices, the one kernel every conv pass runs on.
public enum GEMM {
    /// `C[m×n] = (accumulate ? C : 0) + op(A)[m×k] · op(B)[k×n]`, row-major, where `op(X)` is `X`
    /// or its transpose. `lda`, `ldb`, `ldc` are row strides of the matrices as stored.
    ///
    /// Results are bit-identical however many threads run it: every element of C is reduced over k
    /// in one fixed order (slices of `GEMMBlocking.sliceDepth(k)`, each summed from zero in increasing k, then
    /// added to C in increasing k), whatever path or partition computes it.
    ///
    /// Edge cases: `m == 0` or `n == 0` touches nothing; `k == 0` sets C to 0 (or leaves it when
    /// accumulating).
    public static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Double>, lda: Int, transposeA: Bool,
        b: UnsafePointer<Double>, ldb: Int, transposeB: Bool,
        c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "negative GEMM size \(m)x\(n)x\(k)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            if !accumulate { zero(m: m, n: n, c: c, ldc: ldc) }
            return
        }
        let operands = GEMMOperands(
            a: a, lda: lda, transposeA: transposeA, b: b, ldb: ldb, transposeB: transposeB,
            c: c, ldc: ldc, k: k, accumulate: accumulate)
        // Multiply-adds, saturating (m·n·k can exceed Int.max for absurd sizes).
        let (mn, overflowMN) = m.multipliedReportingOverflow(by: n)
        let (product, overflow) = mn.multipliedReportingOverflow(by: k)
        let work = overflowMN || overflow ? Int.max : product
        if work <= GEMMBlocking.directThreshold && k <= GEMMBlocking.kc {
            operands.multiplyDirect(m: m, n: n)
        } else if work < GEMMBlocking.parallelThreshold || GEMMParallel.processorCount == 1 {
            let region = GEMMRegion(rows: 0..<m, cols: 0..<n)
            operands.multiplyBlocked(region, workspace: GEMMWorkspace())
        } else {
            operands.multiplyParallel(m: m, n: n)
        }
    }

    private static func zero(m: Int, n: Int, c: UnsafeMutablePointer<Double>, ldc: Int) {
        for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
    }
}
