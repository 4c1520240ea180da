#if canImport(Glibc)
    import Glibc
#endif

/// Process-wide malloc tuning for serving many requests with multi-megabyte tensors.
///
/// By default glibc gives large freed blocks back to the kernel (`munmap`, or `MADV_DONTNEED` when a
/// thread arena shrinks), so every request's tensors fault their pages in again, each page zeroed by
/// the kernel. Measured on the mnist workload (issue 7): about a third of the time went to page
/// faults, and the median fell from ~40 ms to ~14-24 ms (2-core host under load) with the tuning.
public enum AllocatorTuning {
    /// Keeps freed memory in the process for reuse: blocks up to `mmapThreshold` bytes come from the
    /// heap instead of fresh mappings, and the heap is trimmed only above `trimThreshold` bytes free.
    ///
    /// Arenas are limited to `arenaLimit` (glibc's default is 8 per core). Each thread arena keeps
    /// its own high-water mark, and `malloc_trim` cannot give back the free top of a thread arena
    /// (glibc trims only the main arena's top): with 12 arenas an idle gradserver held ~100 MB it
    /// did not use; with one per core, ~50 MB, at the same throughput (docs/RELIABILITY.md).
    /// Call once at startup (gradserver's main, gradbench). Returns false where unsupported.
    @discardableResult
    public static func retainFreedMemory(
        mmapThreshold: Int = 32 << 20, trimThreshold: Int = 1 << 30, arenaLimit: Int = coreCount
    ) -> Bool {
        #if canImport(Glibc)
            // <malloc.h> is not in the Glibc module, so mallopt is looked up by name.
            guard let symbol = dlsym(nil, "mallopt") else { return false }
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX (malloc.h)
            let (trimThresholdParameter, mmapThresholdParameter, arenaMaxParameter): (Int32, Int32, Int32) = (
                -1, -3, -8
            )
            let mmap = mallopt(mmapThresholdParameter, Int32(clamping: mmapThreshold))
            let trim = mallopt(trimThresholdParameter, Int32(clamping: trimThreshold))
            let arenas = mallopt(arenaMaxParameter, Int32(clamping: max(1, arenaLimit)))
            return mmap == 1 && trim == 1 && arenas == 1
        #else
            return false
        #endif
    }

    /// Frees the buffers the engine keeps between calls (GEMM packing buffers, 4.6 MB each, up to
    /// 2 x cores + 2): an idle server calls it before giving freed memory back to the OS.
    public static func releaseCachedBuffers() {
        GEMMBufferPool.shared.freeKept()
    }

    /// Online processors (sysconf), at least 1.
    public static var coreCount: Int {
        #if canImport(Glibc)
            return max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
            return 1
        #endif
    }
}
