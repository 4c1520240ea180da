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
    /// Call once at startup (gradserver's main, gradbench). Returns false where unsupported.
    @discardableResult
    public static func retainFreedMemory(mmapThreshold: Int = 32 << 20, trimThreshold: Int = 1 << 30) -> Bool {
        #if canImport(Glibc)
            // <malloc.h> is not in the Glibc module, so mallopt is looked up by name.
            guard let symbol = dlsym(nil, "mallopt") else { return false }
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            let (trimThresholdParameter, mmapThresholdParameter): (Int32, Int32) = (-1, -3)  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
            let mmap = mallopt(mmapThresholdParameter, Int32(clamping: mmapThreshold))
            let trim = mallopt(trimThresholdParameter, Int32(clamping: trimThreshold))
            return mmap == 1 && trim == 1
        #else
            return false
        #endif
    }
}
