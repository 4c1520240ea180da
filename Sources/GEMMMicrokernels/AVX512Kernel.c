// The AVX-512 microkernel (8 x 16 tile: 16 zmm accumulators, 2 B vectors, 1 broadcast; 84 GFLOP/s
// on one core of the project's Xeon, ../../../shared/PERF-NOTES.md). Built for baseline x86-64;
// only these functions may use AVX-512 (see GEMMMicrokernels.h).
#include "GEMMMicrokernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))
#define INLINE static inline __attribute__((always_inline))

/// C[0..<16] = (add ? C : 0) + [v0, v1].
INLINE AVX512 void store_row_8x16(double *c, __m512d v0, __m512d v1, int add) {
    if (add) {
        v0 = _mm512_add_pd(_mm512_loadu_pd(c), v0);
        v1 = _mm512_add_pd(_mm512_loadu_pd(c + 8), v1);
    }
    _mm512_storeu_pd(c, v0);
    _mm512_storeu_pd(c + 8, v1);
}

/// Stores the 8 x 16 tile held in the accumulators (see GEMMMicrokernels.h for the rounding).
INLINE AVX512 void finish_8x16(
    double *c, long ldc, long rows, long cols, int add_to_c, __m512d c00, __m512d c01, __m512d c10, __m512d c11,
    __m512d c20, __m512d c21, __m512d c30, __m512d c31, __m512d c40, __m512d c41, __m512d c50, __m512d c51,
    __m512d c60, __m512d c61, __m512d c70, __m512d c71) {
    double t[128];
    const int full = rows == 8 && cols == 16;
    double *out = full ? c : t;
    const long ld = full ? ldc : 16;
    const int add = full ? add_to_c : 0;
    store_row_8x16(out, c00, c01, add);
    store_row_8x16(out + ld, c10, c11, add);
    store_row_8x16(out + 2 * ld, c20, c21, add);
    store_row_8x16(out + 3 * ld, c30, c31, add);
    store_row_8x16(out + 4 * ld, c40, c41, add);
    store_row_8x16(out + 5 * ld, c50, c51, add);
    store_row_8x16(out + 6 * ld, c60, c61, add);
    store_row_8x16(out + 7 * ld, c70, c71, add);
    if (full) return;
    for (long i = 0; i < rows; i++)
        for (long j = 0; j < cols; j++)
            c[i * ldc + j] = add_to_c ? c[i * ldc + j] + t[i * 16 + j] : t[i * 16 + j];
}

#define ACCUMULATORS c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71
#define ZERO_ACCUMULATORS \
    __m512d c00 = _mm512_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00; \
    __m512d c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00; \
    __m512d c60 = c00, c61 = c00, c70 = c00, c71 = c00

/// One row's step: broadcast A(i, p), two fused multiply-adds.
#define STEP(i) do { \
        const __m512d x = _mm512_set1_pd(a[(i) * a_row]); \
        c##i##0 = _mm512_fmadd_pd(x, b0, c##i##0); \
        c##i##1 = _mm512_fmadd_pd(x, b1, c##i##1); \
    } while (0)

INLINE AVX512 void tile_8x16(
    long kc, const double *a, long a_row, long a_step, const double *b, long b_stride,
    double *c, long ldc, long rows, long cols, int add_to_c) {
    __m512d c00 = _mm512_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m512d c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    __m512d c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    for (long p = 0; p < kc; p++) {
        const __m512d b0 = _mm512_loadu_pd(b), b1 = _mm512_loadu_pd(b + 8);
        STEP(0); STEP(1); STEP(2); STEP(3); STEP(4); STEP(5); STEP(6); STEP(7);
        a += a_step;
        b += b_stride;
    }
    finish_8x16(c, ldc, rows, cols, add_to_c, ACCUMULATORS);
}
#undef STEP

AVX512 void gemm_avx512_tile_8x16(
    long kc, const double *a, long a_row, long a_step, const double *b, long b_stride,
    double *c, long ldc, long rows, long cols, int add_to_c) {
    if (a_row == 1 && a_step == 8)
        tile_8x16(kc, a, 1, 8, b, b_stride, c, ldc, rows, cols, add_to_c);
    else
        tile_8x16(kc, a, a_row, a_step, b, b_stride, c, ldc, rows, cols, add_to_c);
}

/// One row's step with A(i, p) = x (already broadcast).
#define STEP_X(i, x) do { \
        c##i##0 = _mm512_fmadd_pd(x, b0, c##i##0); \
        c##i##1 = _mm512_fmadd_pd(x, b1, c##i##1); \
    } while (0)

AVX512 void gemm_avx512_tile_8x16_gather_b(
    long kc, const double *a, const double *b, const long *b_offsets, double *c, long ldc, long rows, long cols,
    int add_to_c) {
    ZERO_ACCUMULATORS;
    for (long p = 0; p < kc; p++) {
        const double *row = b + b_offsets[p];
        const __m512d b0 = _mm512_loadu_pd(row), b1 = _mm512_loadu_pd(row + 8);
        const double *ap = a + 8 * p;
        STEP_X(0, _mm512_set1_pd(ap[0])); STEP_X(1, _mm512_set1_pd(ap[1]));
        STEP_X(2, _mm512_set1_pd(ap[2])); STEP_X(3, _mm512_set1_pd(ap[3]));
        STEP_X(4, _mm512_set1_pd(ap[4])); STEP_X(5, _mm512_set1_pd(ap[5]));
        STEP_X(6, _mm512_set1_pd(ap[6])); STEP_X(7, _mm512_set1_pd(ap[7]));
    }
    finish_8x16(c, ldc, rows, cols, add_to_c, ACCUMULATORS);
}

AVX512 void gemm_avx512_tile_8x16_rows_a(
    long kc, const double *const *a_rows, const double *b, long b_stride, double *c, long ldc, long rows, long cols,
    int add_to_c) {
    ZERO_ACCUMULATORS;
    const double *r0 = a_rows[0], *r1 = a_rows[1], *r2 = a_rows[2], *r3 = a_rows[3];
    const double *r4 = a_rows[4], *r5 = a_rows[5], *r6 = a_rows[6], *r7 = a_rows[7];
    for (long p = 0; p < kc; p++) {
        const __m512d b0 = _mm512_loadu_pd(b), b1 = _mm512_loadu_pd(b + 8);
        STEP_X(0, _mm512_set1_pd(r0[p])); STEP_X(1, _mm512_set1_pd(r1[p]));
        STEP_X(2, _mm512_set1_pd(r2[p])); STEP_X(3, _mm512_set1_pd(r3[p]));
        STEP_X(4, _mm512_set1_pd(r4[p])); STEP_X(5, _mm512_set1_pd(r5[p]));
        STEP_X(6, _mm512_set1_pd(r6[p])); STEP_X(7, _mm512_set1_pd(r7[p]));
        b += b_stride;
    }
    finish_8x16(c, ldc, rows, cols, add_to_c, ACCUMULATORS);
}
#undef STEP_X
#else
// Not x86-64: never called (gemm_cpu_features() is 0), defined so the package links.
void gemm_avx512_tile_8x16(
    long kc, const double *a, long a_row, long a_step, const double *b, long b_stride,
    double *c, long ldc, long rows, long cols, int add_to_c) { __builtin_trap(); }
void gemm_avx512_tile_8x16_gather_b(
    long kc, const double *a, const double *b, const long *b_offsets, double *c, long ldc, long rows, long cols,
    int add_to_c) { __builtin_trap(); }
void gemm_avx512_tile_8x16_rows_a(
    long kc, const double *const *a_rows, const double *b, long b_stride, double *c, long ldc, long rows, long cols,
    int add_to_c) { __builtin_trap(); }
#endif
