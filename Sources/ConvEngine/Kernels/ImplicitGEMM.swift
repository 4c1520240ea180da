import GEMMMicrokernels

/// GEMM with one operand read straight from an image buffer through a table of offsets (implicit
/// GEMM): no im2col matrix is written and that operand is never packed (docs/PERFORMANCE.md,
/// "Implicit GEMM").
///
/// Both products reduce every element of C exactly as `GEMM.multiply` does (k-slices of
/// `GEMMBlocking.sliceDepth(k)`, each summed from zero in increasing p with one fused multiply-add
/// per step, then added to C in slice order), on the fused paths only (`KernelPath.fusesMultiplyAdd`).
enum ImplicitGEMM {
    /// `C = A · B` over columns `columns` of C, with A packed (`PackedWeights`, all its k) and
    /// `B(p, j) = source[offsets[p] + j]`. C has `a.paddedRows` rows (the padding rows get
    /// garbage) and row stride `ldc`; whole `nr`-wide tiles are stored, so `ldc` must reach
    /// `columns.upperBound` rounded up to `nr`, and `source` must be readable that far past every
    /// offset.
    static func multiplyGatherB(
        _ a: PackedWeights, source: UnsafePointer<Double>, offsets: UnsafePointer<Int>,
        columns: Range<Int>, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        let kernel = a.kernel
        let (mr, nr) = (kernel.mr, kernel.nr)
        for pc in stride(from: 0, to: a.k, by: a.depth) {
            let kc = min(a.depth, a.k - pc)
            let slice = a.slice(at: pc)
            for jr in stride(from: columns.lowerBound, to: columns.upperBound, by: nr) {
                for ir in stride(from: 0, to: a.paddedRows, by: mr) {
                    kernel.tileGatherB(
                        kc: kc, a: slice + ir * kc, b: source + jr, offsets: offsets + pc, c: c + ir * ldc + jr,
                        ldc: ldc,
                        addToC: pc > 0)
                }
            }
        }
    }

    /// `C (+)= A · B` with `A(i, p) = source[rowOffsets[i] + p]` (`m` rows, `k` columns) and
    /// `B(p, j) = b[p * ldb + j]` for `j < columns` (a multiple of `nr`, all readable). C has `m`
    /// rows rounded up to `mr` (the padding rows get garbage) and row stride `ldc`.
    static func multiplyRowsA(
        m: Int, k: Int, source: UnsafePointer<Double>, rowOffsets: UnsafePointer<Int>,
        b: UnsafePointer<Double>, ldb: Int, columns: Int, c: UnsafeMutablePointer<Double>, ldc: Int,
        accumulate: Bool, kernel: KernelPath
    ) {
        let (mr, nr) = (kernel.mr, kernel.nr)
        let depth = GEMMBlocking.sliceDepth(k: k)
        let rows = UnsafeMutablePointer<UnsafePointer<Double>?>.allocate(capacity: mr)
        defer { rows.deallocate() }
        for pc in stride(from: 0, to: k, by: depth) {
            let kc = min(depth, k - pc)
            for ir in stride(from: 0, to: m, by: mr) {
                // Rows past m repeat the last one; their results land in C's padding rows.
                for i in 0..<mr { rows[i] = source + rowOffsets[min(ir + i, m - 1)] + pc }
                for jr in stride(from: 0, to: columns, by: nr) {
                    kernel.tileRowsA(
                        kc: kc, rows: rows, b: b + pc * ldb + jr, ldb: ldb, c: c + ir * ldc + jr, ldc: ldc,
                        addToC: accumulate || pc > 0)
                }
            }
        }
    }
}

/// The A operand (`m × k`) of implicit GEMMs, packed once for every k-slice and reused for every
/// image: slice `pc` holds `paddedRows × kc` in `mr`-row micro-panels (`GEMMOperands.packA`'s layout).
final class PackedWeights {
    let kernel: KernelPath
    let m: Int
    let k: Int
    /// `m` rounded up to the kernel's `mr` (packing zero-fills the extra rows).
    let paddedRows: Int
    /// Depth of every k-slice, `GEMMBlocking.sliceDepth(k)`.
    let depth: Int
    private let data: UnsafeMutablePointer<Double>

    /// Packs `op(A)` for `a[i*lda + p]` (or `a[p*lda + i]` when `transposeA`).
    init(m: Int, k: Int, a: UnsafePointer<Double>, lda: Int, transposeA: Bool = false, kernel: KernelPath) {
        self.kernel = kernel
        self.m = m
        self.k = k
        paddedRows = (m + kernel.mr - 1) / kernel.mr * kernel.mr
        depth = GEMMBlocking.sliceDepth(k: k)
        data = .allocate(capacity: max(1, paddedRows * k))
        let operands = GEMMOperands(
            a: a, lda: lda, transposeA: transposeA, b: a, ldb: 0, transposeB: false, c: data, ldc: 0, k: k,
            accumulate: false, kernel: kernel)
        for pc in stride(from: 0, to: k, by: depth) {
            operands.packA(rows: 0..<m, p0: pc, kc: min(depth, k - pc), into: data + paddedRows * pc)
        }
    }

    /// The packed slice starting at column `pc` (a multiple of `depth`).
    func slice(at pc: Int) -> UnsafePointer<Double> { UnsafePointer(data + paddedRows * pc) }

    deinit { data.deallocate() }
}
