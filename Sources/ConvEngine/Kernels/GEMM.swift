/// Dense matrix multiply on row-major float64 matrices, the one kernel every conv pass runs on.
public enum GEMM {
    /// `C[m×n] = (accumulate ? C : 0) + op(A)[m×k] · op(B)[k×n]`, row-major, where `op(X)` is `X`
    /// or its transpose. `lda`, `ldb`, `ldc` are row strides of the matrices as stored.
    ///
    /// Results are bit-identical however many threads run it: every element of C is reduced over k
    /// in one fixed order.
    public static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Double>, lda: Int, transposeA: Bool,
        b: UnsafePointer<Double>, ldb: Int, transposeB: Bool,
        c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool
    ) {
        // Reference implementation; the blocked SIMD kernel replaces it.
        for i in 0..<m {
            for j in 0..<n {
                var sum = accumulate ? c[i * ldc + j] : 0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += x * y
                }
                c[i * ldc + j] = sum
            }
        }
    }
}
