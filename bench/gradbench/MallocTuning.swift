#if canImport(Glibc)
import Glibc
#endif

/// glibc malloc settings that keep big freed blocks for reuse.
///
/// By default glibc serves blocks above its mmap threshold (128 KiB, raised adaptively up to
/// 32 MiB) with fresh mmap'd pages and trims freed heap tops back to the kernel, so every large
/// tensor or scratch buffer page-faults and is zeroed by the kernel again on each request: on
/// bigconv and mnist that was about 30% of the CPU time, in the kernel. Raising both thresholds
/// (the same as `GLIBC_TUNABLES=glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824`)
/// makes freed memory get reused instead; the process keeps its peak heap.
enum MallocTuning {
    static let mmapThreshold: Int32 = 256 << 20
    static let trimThreshold: Int32 = 1 << 30

    static func keepFreedMemory() {
        #if os(Linux)
        // <malloc.h>: M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3 (not exported by Glibc).
        _ = glibcMallopt(-3, mmapThreshold)
        _ = glibcMallopt(-1, trimThreshold)
        #endif
    }
}

#if os(Linux)
/// glibc's `int mallopt(int param, int value)` (declared in <malloc.h>, which Swift's Glibc
/// module does not include).
@_silgen_name("mallopt")
private func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
#endif
