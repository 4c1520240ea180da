// Register-blocked GEMM microkernels for x86-64 CPUs with AVX2+FMA or AVX-512F, compiled into
// every binary and called only after `gemm_cpu_features()` says the CPU (and the OS) runs them.
//
// This target is built for baseline x86-64 (no -target-cpu flag): each kernel function carries its
// own `__attribute__((target(...)))`, so AVX2/FMA/AVX-512 instructions exist only inside these
// functions, and Sources/ConvEngine/Kernels/KernelPath.swift calls them only on a CPU that has the
// features. Nothing here is inlined into baseline code (the functions are separate symbols).
//
// Every kernel computes one `MR x NR` tile of C from a k-slice of `kc` steps:
//   tile[i][j] = sum over p in 0..<kc, in increasing p, from 0.0, of A(i, p) * B(p, j), each step
//                one fused multiply-add;
//   C[i][j]    = (add_to_c ? C[i][j] : 0) + tile[i][j]  (one rounding), for i < rows, j < cols.
// A(i, p) = a[i * a_row + p * a_step]: a packed micro-panel has a_row = 1, a_step = MR; A read in
// place (row-major, contiguous in p) has a_row = lda, a_step = 1. B(p, j) = b[p * b_stride + j],
// with all NR columns readable (packed panels are zero-padded). Every element is reduced in the
// same order with the same roundings in both kernels, so their results are bit-identical.
#ifndef GEMM_MICROKERNELS_H
#define GEMM_MICROKERNELS_H

/// Bits of `gemm_cpu_features()`.
enum {
    GEMM_CPU_AVX2_FMA = 1,  ///< AVX2 and FMA, with the OS saving ymm state.
    GEMM_CPU_AVX512F = 2,   ///< AVX-512 Foundation, with the OS saving zmm state.
};

/// What this CPU and OS can run, from cpuid and xgetbv; 0 on non-x86-64 builds.
int gemm_cpu_features(void);

/// The AVX2+FMA kernel: a 4 x 12 tile (12 ymm accumulators). Call only when the CPU has AVX2+FMA.
void gemm_avx2_tile_4x12(
    long kc, const double *a, long a_row, long a_step, const double *b, long b_stride,
    double *c, long ldc, long rows, long cols, int add_to_c);

/// The AVX-512 kernel: an 8 x 16 tile (16 zmm accumulators). Call only when the CPU has AVX-512F.
void gemm_avx512_tile_8x16(
    long kc, const double *a, long a_row, long a_step, const double *b, long b_stride,
    double *c, long ldc, long rows, long cols, int add_to_c);

/// The same tiles with B's rows gathered (implicit GEMM, Sources/ConvEngine/Kernels/ImplicitGEMM.swift):
/// B(p, j) = b[b_offsets[p] + j], A packed (A(i, p) = a[p * MR + i]). Same order and roundings.
void gemm_avx512_tile_8x16_gather_b(
    long kc, const double *a, const double *b, const long *b_offsets, double *c, long ldc, long rows, long cols,
    int add_to_c);
void gemm_avx2_tile_4x12_gather_b(
    long kc, const double *a, const double *b, const long *b_offsets, double *c, long ldc, long rows, long cols,
    int add_to_c);

/// The same tiles with A's rows given by pointer: A(i, p) = a_rows[i][p] (all MR pointers valid),
/// B(p, j) = b[p * b_stride + j]. Same order and roundings.
void gemm_avx512_tile_8x16_rows_a(
    long kc, const double *const *a_rows, const double *b, long b_stride, double *c, long ldc, long rows, long cols,
    int add_to_c);
void gemm_avx2_tile_4x12_rows_a(
    long kc, const double *const *a_rows, const double *b, long b_stride, double *c, long ldc, long rows, long cols,
    int add_to_c);

/// `sum over p < k, in increasing p, from 0.0, of a[p * a_step] * b[p * b_step]` with one fused
/// multiply-add per step (what the kernels do for one element). Call only when the CPU has FMA.
double gemm_fma_dot(long k, const double *a, long a_step, const double *b, long b_step);

#endif
