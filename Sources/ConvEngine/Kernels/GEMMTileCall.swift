import GEMMMicrokernels

extension KernelPath {
    /// One register tile of C from a k-slice, on this path's microkernel:
    /// `C[0..<rows, 0..<cols] = (addToC ? C : 0) + Σ_p A(i, p)·B(p, j)`, each sum from zero in
    /// increasing p, with `A(i, p) = a[i*aRow + p*aStep]` (packed: `aRow` 1, `aStep` mr; in place:
    /// `aRow` lda, `aStep` 1) and `B(p, j) = b[p*bStride + j]` (all `nr` columns readable).
    /// The AVX kernels are only reachable through a supported `KernelPath` (see `KernelPath`).
    @inline(__always)
    func tile(
        kc: Int, a: UnsafePointer<Double>, aRow: Int, aStep: Int, b: UnsafePointer<Double>, bStride: Int,
        c: UnsafeMutablePointer<Double>, ldc: Int, rows: Int, cols: Int, addToC: Bool,
        scratch: UnsafeMutablePointer<Double>
    ) {
        switch self {
        case .avx512:
            gemm_avx512_tile_8x16(kc, a, aRow, aStep, b, bStride, c, ldc, rows, cols, addToC ? 1 : 0)
        case .avx2:
            gemm_avx2_tile_4x12(kc, a, aRow, aStep, b, bStride, c, ldc, rows, cols, addToC ? 1 : 0)
        case .portable where aStep == 1:
            microkernelRowsA(
                kc: kc, a: a, lda: aRow, b: b, bStride: bStride, c: c, ldc: ldc, cols: cols, addToC: addToC,
                scratch: scratch)
        case .portable:
            microkernel(
                kc: kc, a: a, b: b, bStride: bStride, c: c, ldc: ldc, rows: rows, cols: cols, addToC: addToC,
                scratch: scratch)
        }
    }
}

extension KernelPath {
    /// One register tile with B's rows gathered: `B(p, j) = b[offsets[p] + j]`, A packed
    /// (`ImplicitGEMM.multiplyGatherB`); whole tiles are stored. Fused paths only.
    @inline(__always)
    func tileGatherB(
        kc: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, offsets: UnsafePointer<Int>,
        c: UnsafeMutablePointer<Double>, ldc: Int, addToC: Bool
    ) {
        switch self {
        case .avx512: gemm_avx512_tile_8x16_gather_b(kc, a, b, offsets, c, ldc, 8, 16, addToC ? 1 : 0)
        case .avx2: gemm_avx2_tile_4x12_gather_b(kc, a, b, offsets, c, ldc, 4, 12, addToC ? 1 : 0)
        case .portable: preconditionFailure("implicit GEMM runs on the fused paths only")
        }
    }

    /// One register tile with A's rows given by pointer: `A(i, p) = rows[i][p]`
    /// (`ImplicitGEMM.multiplyRowsA`); whole tiles are stored. Fused paths only.
    @inline(__always)
    func tileRowsA(
        kc: Int, rows: UnsafePointer<UnsafePointer<Double>?>, b: UnsafePointer<Double>, ldb: Int,
        c: UnsafeMutablePointer<Double>, ldc: Int, addToC: Bool
    ) {
        switch self {
        case .avx512: gemm_avx512_tile_8x16_rows_a(kc, rows, b, ldb, c, ldc, 8, 16, addToC ? 1 : 0)
        case .avx2: gemm_avx2_tile_4x12_rows_a(kc, rows, b, ldb, c, ldc, 4, 12, addToC ? 1 : 0)
        case .portable: preconditionFailure("implicit GEMM runs on the fused paths only")
        }
    }
}
