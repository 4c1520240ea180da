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

#if defined(CONVGRAD_SWIFT_NEEDS_HASWELL)
#include <unistd.h>

/// Whether the CPU runs code built with `-target-cpu haswell`: AVX2, FMA, BMI1/2, F16C, MOVBE,
/// LZCNT, POPCNT, with the OS saving ymm state (every Intel since Haswell, every AMD Zen).
static int runs_haswell_code(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned int leaf1 = (1u << 12) | (1u << 22) | (1u << 23) | (1u << 27) | (1u << 28) | (1u << 29);
    if ((ecx & leaf1) != leaf1 || (read_xcr0() & 0x6) != 0x6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned int leaf7 = (1u << 3) | (1u << 5) | (1u << 8);
    if ((ebx & leaf7) != leaf7) return 0;
    if (!__get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx >> 5) & 1;
}

/// Runs before main and before any Swift code: the Swift modules are built with -target-cpu
/// haswell (Package.swift), so an older CPU stops here with a message instead of dying of SIGILL.
__attribute__((constructor)) static void require_haswell_code(void) {
    if (runs_haswell_code()) return;
    static const char message[] =
        "ConvGrad: this build needs an x86-64 CPU with AVX2 (Intel Haswell or AMD Zen and later); "
        "rebuild with CONVGRAD_PORTABLE=1 for this CPU.\n";
    (void)!write(2, message, sizeof message - 1);
    _exit(70);
}
#endif

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
