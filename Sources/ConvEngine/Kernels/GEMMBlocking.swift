/// Block sizes of the packed GEMM (the Goto/BLIS loop nest), tuned for this machine's caches.
///
/// AMD EPYC (Zen 4) per core: 32 KiB L1d, 1 MiB L2, 32 MiB shared L3.
/// - `mr × nr` (4×12) is the register tile: 12 `SIMD4<Double>` accumulators + 3 B vectors + 1
///   broadcast = all 16 ymm registers, no spills (checked in the assembly). 12 independent FMA
///   chains cover the FMA latency on both pipes; a 4×8 tile (8 chains) did about 30% fewer
///   flops per CPU-second at n = 1024, and a 6×8 tile spilled (the compiler hoisted its 6
///   broadcasts).
/// - `kc` = 192: a B micro-panel (`kc × nr`, 18 KiB) and an A micro-panel (6 KiB) share L1 with
///   room to spare; it also divides conv depths like 576 = 64·9 evenly. Against 256 it did 3-5%
///   more flops per CPU-second on bigconv's GEMMs and the same at n = 1024.
/// - `mc` = 192: a packed A block (`mc × kc` = 288 KiB) stays in L2.
/// - `nc` = 2040 (a multiple of `nr`): a packed B panel (`kc × nc` = 3 MiB) per worker stays in
///   L3; larger panels only save repacking A (1/nc of the work) and the pooled buffers keep
///   their touched pages for the process's life.
///
/// `kc` fixes how each element's k-reduction is split into partial sums, so it must never depend
/// on the thread count or the problem's partition (that is what keeps results bit-identical).
enum GEMMBlocking {
    static let mr = 4
    static let nr = 12
    static let kc = 192
    static let mc = 192
    static let nc = 2040

    /// Below this many multiply-adds one thread does the whole product: waking a second thread
    /// costs tens of microseconds, about what one core does with 2^20 multiply-adds.
    static let parallelThreshold = 1 << 21
    /// Below this many multiply-adds (and with `k <= kc`) a direct loop beats packing.
    static let directThreshold = 4096
}
