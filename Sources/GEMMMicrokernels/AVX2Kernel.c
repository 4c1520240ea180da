// The AVX2+FMA microkernel (4 x 12 tile), the C twin of the former Swift kernel (the 12
// accumulators + 3 B vectors + 1 broadcast fill the 16 ymm registers: Sources/ConvEngine/Kernels/GEMMBlocking.swift).
// Built for baseline x86-64; only these functions may use AVX2/FMA (see GEMMMicrokernels.h).
#include "GEMMMicrokernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2_FMA __attribute__((target("avx2,fma")))
#define INLINE static inline __attribute__((always_inline))

/// C[0..<12] = (add ? C : 0) + [v0, v1, v2].
INLINE AVX2_FMA void store_row_4x12(double *c, __m256d v0, __m256d v1, __m256d v2, int add) {
    if (add) {
        v0 = _mm256_add_pd(_mm256_loadu_pd(c), v0);
        v1 = _mm256_add_pd(_mm256_loadu_pd(c + 4), v1);
        v2 = _mm256_add_pd(_mm256_loadu_pd(c + 8), v2);
    }
    _mm256_storeu_pd(c, v0);
    _mm256_storeu_pd(c + 4, v1);
    _mm256_storeu_pd(c + 8, v2);
}

/// Stores the 4 x 12 tile held in the accumulators (see GEMMMicrokernels.h for the rounding).
INLINE AVX2_FMA void finish_4x12(
    double *c, long ldc, long rows, long cols, int add_to_c, __m256d c00, __m256d c01, __m256d c02, __m256d c10,
    __m256d c11, __m256d c12, __m256d c20, __m256d c21, __m256d c22, __m256d c30, __m256d c31, __m256d c32) {
    if (rows == 4 && cols == 12) {
        store_row_4x12(c, c00, c01, c02, add_to_c);
        store_row_4x12(c + ldc, c10, c11, c12, add_to_c);
        store_row_4x12(c + 2 * ldc, c20, c21, c22, add_to_c);
        store_row_4x12(c + 3 * ldc, c30, c31, c32, add_to_c);
        return;
    }
    double t[48];
    store_row_4x12(t, c00, c01, c02, 0);
    store_row_4x12(t + 12, c10, c11, c12, 0);
    store_row_4x12(t + 24, c20, c21, c22, 0);
    store_row_4x12(t + 36, c30, c31, c32, 0);
    for (long i = 0; i < rows; i++)
        for (long j = 0; j < cols; j++)
            c[i * ldc + j] = add_to_c ? c[i * ldc + j] + t[i * 12 + j] : t[i * 12 + j];
}

#define ACCUMULATORS c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32
#define ZERO_ACCUMULATORS \
    __m256d c00 = _mm256_setzero_pd(), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00; \
    __m256d c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00

/// One row's step with A(i, p) broadcast in x: three fused multiply-adds.
#define STEP_X(i, x) do { \
        c##i##0 = _mm256_fmadd_pd(x, b0, c##i##0); \
        c##i##1 = _mm256_fmadd_pd(x, b1, c##i##1); \
        c##i##2 = _mm256_fmadd_pd(x, b2, c##i##2); \
    } while (0)

/// The tile loop; inlined twice so the packed case (a_row 1, a_step 4) gets constant strides.
INLINE AVX2_FMA void tile_4x12(
    long kc, const double *a, long a_row, long a_step, const double *b, long b_stride,
    double *c, long ldc, long rows, long cols, int add_to_c) {
    __m256d c00 = _mm256_setzero_pd(), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
    __m256d c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
    for (long p = 0; p < kc; p++) {
        const __m256d b0 = _mm256_loadu_pd(b), b1 = _mm256_loadu_pd(b + 4), b2 = _mm256_loadu_pd(b + 8);
        __m256d x = _mm256_broadcast_sd(a);
        c00 = _mm256_fmadd_pd(x, b0, c00); c01 = _mm256_fmadd_pd(x, b1, c01); c02 = _mm256_fmadd_pd(x, b2, c02);
        x = _mm256_broadcast_sd(a + a_row);
        c10 = _mm256_fmadd_pd(x, b0, c10); c11 = _mm256_fmadd_pd(x, b1, c11); c12 = _mm256_fmadd_pd(x, b2, c12);
        x = _mm256_broadcast_sd(a + 2 * a_row);
        c20 = _mm256_fmadd_pd(x, b0, c20); c21 = _mm256_fmadd_pd(x, b1, c21); c22 = _mm256_fmadd_pd(x, b2, c22);
        x = _mm256_broadcast_sd(a + 3 * a_row);
        c30 = _mm256_fmadd_pd(x, b0, c30); c31 = _mm256_fmadd_pd(x, b1, c31); c32 = _mm256_fmadd_pd(x, b2, c32);
        a += a_step;
        b += b_stride;
    }
    finish_4x12(c, ldc, rows, cols, add_to_c, ACCUMULATORS);
}

AVX2_FMA void gemm_avx2_tile_4x12(
    long kc, const double *a, long a_row, long a_step, const double *b, long b_stride,
    double *c, long ldc, long rows, long cols, int add_to_c) {
    if (a_row == 1 && a_step == 4)
        tile_4x12(kc, a, 1, 4, b, b_stride, c, ldc, rows, cols, add_to_c);
    else
        tile_4x12(kc, a, a_row, a_step, b, b_stride, c, ldc, rows, cols, add_to_c);
}

AVX2_FMA void gemm_avx2_tile_4x12_gather_b(
    long kc, const double *a, const double *b, const long *b_offsets, double *c, long ldc, long rows, long cols,
    int add_to_c) {
    ZERO_ACCUMULATORS;
    for (long p = 0; p < kc; p++) {
        const double *row = b + b_offsets[p];
        const __m256d b0 = _mm256_loadu_pd(row), b1 = _mm256_loadu_pd(row + 4), b2 = _mm256_loadu_pd(row + 8);
        const double *ap = a + 4 * p;
        __m256d x = _mm256_broadcast_sd(ap);
        STEP_X(0, x);
        x = _mm256_broadcast_sd(ap + 1);
        STEP_X(1, x);
        x = _mm256_broadcast_sd(ap + 2);
        STEP_X(2, x);
        x = _mm256_broadcast_sd(ap + 3);
        STEP_X(3, x);
    }
    finish_4x12(c, ldc, rows, cols, add_to_c, ACCUMULATORS);
}

AVX2_FMA void gemm_avx2_tile_4x12_rows_a(
    long kc, const double *const *a_rows, const double *b, long b_stride, double *c, long ldc, long rows, long cols,
    int add_to_c) {
    ZERO_ACCUMULATORS;
    const double *r0 = a_rows[0], *r1 = a_rows[1], *r2 = a_rows[2], *r3 = a_rows[3];
    for (long p = 0; p < kc; p++) {
        const __m256d b0 = _mm256_loadu_pd(b), b1 = _mm256_loadu_pd(b + 4), b2 = _mm256_loadu_pd(b + 8);
        __m256d x = _mm256_broadcast_sd(r0 + p);
        STEP_X(0, x);
        x = _mm256_broadcast_sd(r1 + p);
        STEP_X(1, x);
        x = _mm256_broadcast_sd(r2 + p);
        STEP_X(2, x);
        x = _mm256_broadcast_sd(r3 + p);
        STEP_X(3, x);
        b += b_stride;
    }
    finish_4x12(c, ldc, rows, cols, add_to_c, ACCUMULATORS);
}

__attribute__((target("fma"))) double gemm_fma_dot(
    long k, const double *a, long a_step, const double *b, long b_step) {
    __m128d sum = _mm_setzero_pd();
    for (long p = 0; p < k; p++)
        sum = _mm_fmadd_sd(_mm_load_sd(a + p * a_step), _mm_load_sd(b + p * b_step), sum);
    return _mm_cvtsd_f64(sum);
}
#else
// Not x86-64: never called (gemm_cpu_features() is 0), defined so the package links.
void gemm_avx2_tile_4x12(
    long kc, const double *a, long a_row, long a_step, const double *b, long b_stride,
    double *c, long ldc, long rows, long cols, int add_to_c) { __builtin_trap(); }
double gemm_fma_dot(long k, const double *a, long a_step, const double *b, long b_step) { __builtin_trap(); }
void gemm_avx2_tile_4x12_gather_b(
    long kc, const double *a, const double *b, const long *b_offsets, double *c, long ldc, long rows, long cols,
    int add_to_c) { __builtin_trap(); }
void gemm_avx2_tile_4x12_rows_a(
    long kc, const double *const *a_rows, const double *b, long b_stride, double *c, long ldc, long rows, long cols,
    int add_to_c) { __builtin_trap(); }
#endif
