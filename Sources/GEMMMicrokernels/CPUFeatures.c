// cpuid and xgetbv, read directly (no libgcc/compiler-rt `__builtin_cpu_supports` runtime needed).
#include "GEMMMicrokernels.h"

#if defined(__x86_64__)
#include <cpuid.h>

/// XCR0: which register states the OS saves on a context switch (Intel SDM vol. 1, 13.3).
static unsigned long long read_xcr0(void) {
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

int gemm_cpu_features(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int fma = (ecx >> 12) & 1, osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
    if (!osxsave || !avx || !fma) return 0;
    const unsigned long long xcr0 = read_xcr0();
    if ((xcr0 & 0x6) != 0x6) return 0;  // xmm and ymm state
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    int features = 0;
    if ((ebx >> 5) & 1) features |= GEMM_CPU_AVX2_FMA;
    // AVX-512F needs opmask, upper zmm0-15 and zmm16-31 state too (XCR0 bits 5, 6, 7).
    if (((ebx >> 16) & 1) && (xcr0 & 0xE0) == 0xE0) features |= GEMM_CPU_AVX512F;
    return features;
}
#else
int gemm_cpu_features(void) { return 0; }
#endif
