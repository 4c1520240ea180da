/// Block sizes of the packed GEMM (the Goto/BLIS loop nest), tuned for this machine's caches.
///
/// AMD EPYC (Zen 4) per core: 32 KiB L1d, 1 MiB L2, 32 MiB shared L3.
/// - `mr × nr` (4×12) is the register tile: 12 `SIMD4<Double>` accumulators + 3 B vectors + 1
///   broadcast = all 16 ymm registers, no spills (checked in the assembly). 12 independent FMA
///   chains cover the FMA latency on both pipes; a 4×8 tile (8 chains) did about 30% fewer
///   flops per CPU-second at n = 1024, and a 6×8 tile spilled (the compiler hoisted its 6
///   broadcasts).
/// - k is cut into the fewest slices of at most `kc` = 256 (a B micro-panel `kc × nr` is 24 KiB,
///   an A micro-panel 8 KiB: both in L1), of nearly equal depth (`sliceDepth`): 576 = 3 × 192 rather
///   than 256 + 256 + 64, 224 = one slice rather than 192 + 32. Ragged last slices cost a whole
///   pass over C for little work; a fixed 192 did 3-5% better than a fixed 256 on bigconv's
///   GEMMs (k = 576) and the same at n = 1024.
/// - `mc` = 192: a packed A block (`mc × kc` = 384 KiB) stays in L2.
/// - `nc` = 2040 (a multiple of `nr`): a packed B panel (`kc × nc` = 4 MiB) per worker stays in
///   L3; larger panels only save repacking A (1/nc of the work) and the pooled buffers keep
///   their touched pages for the process's life.
///
/// The slice depth fixes how each element's k-reduction is split into partial sums, so it depends
/// on k alone, never on the thread count or the problem's partition (that is what keeps results
/// bit-identical).
///
/// `mr`, `nr` here are the portable and AVX2 tile; the AVX-512 kernel's 8×16 tile (16 of the 32 zmm
/// registers) comes from `KernelPath.mr`/`nr`, which the driver and packing read; `mc` = 192 is a
/// multiple of both 4 and 8.
enum GEMMBlocking {
    static let mr = 4
    static let nr = 12
    static let kc = 256
    static let mc = 192
    static let nc = 2040

    /// A non-transposed A is read in place, not packed, when a region has at most this many
    /// columns (each A element then feeds at most two 12-wide B panels).
    static let inPlaceAColumns = 2 * nr

    /// The depth of every k-slice: `ceil(k / slices)` with `slices = ceil(k / kc)`.
    static func sliceDepth(k: Int) -> Int {
        let slices = max(1, (k + kc - 1) / kc)
        return (k + slices - 1) / slices
    }

    /// Below this many multiply-adds one thread does the whole product: waking a second thread
    /// costs tens of microseconds, about what one core does with 2^20 multiply-adds.
    static let parallelThreshold = 1 << 21
    /// Below this many multiply-adds (and with `k <= kc`) a direct loop beats packing.
    static let directThreshold = 4096
}
