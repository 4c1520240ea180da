import Synchronization

/// Packing buffers kept between `GEMM.multiply` calls, so a call allocates nothing once the pool
/// is warm (fresh multi-megabyte buffers would also page-fault on every call).
///
/// Every buffer has room for the largest workspace (`capacity` doubles); only the pages a call
/// touches become resident. At most `maxKept` buffers are kept; more are freed on release.
final class GEMMBufferPool: Sendable {
    static let shared = GEMMBufferPool()

    /// Doubles per buffer: an `mc × kc` A block, a `kc × nc` B panel (every path's `nc` is at
    /// most `GEMMBlocking.nc`) and one portable register tile.
    static let capacity =
        GEMMBlocking.mc * GEMMBlocking.kc + GEMMBlocking.kc * GEMMBlocking.nc + GEMMBlocking.mr * GEMMBlocking.nr
    /// Enough for every core of a few concurrent callers.
    static let maxKept = 2 * GEMMParallel.processorCount + 2

    /// A buffer of `capacity` doubles, 64-byte aligned.
    struct Buffer: @unchecked Sendable {
        // Safe to send: a buffer is owned by exactly one workspace (or the pool) at a time.
        let base: UnsafeMutablePointer<Double>
    }

    private let free = Mutex<[Buffer]>([])

    func acquire() -> Buffer {
        if let buffer = free.withLock({ $0.popLast() }) { return buffer }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: GEMMBufferPool.capacity * 8, alignment: 64)
        return Buffer(base: raw.bindMemory(to: Double.self, capacity: GEMMBufferPool.capacity))
    }

    /// Frees every kept buffer (an idle server gives its memory back; the next call allocates anew).
    func freeKept() {
        let kept = free.withLock { list in
            defer { list = [] }
            return list
        }
        for buffer in kept { UnsafeMutableRawPointer(buffer.base).deallocate() }
    }

    func release(_ buffer: Buffer) {
        let kept = free.withLock { list in
            guard list.count < GEMMBufferPool.maxKept else { return false }
            list.append(buffer)
            return true
        }
        if !kept { UnsafeMutableRawPointer(buffer.base).deallocate() }
    }
}
