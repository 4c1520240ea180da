/// Block sizes of the packed GEMM (the Goto/BLIS loop nest), tuned for this machine's caches.
///
/// AMD EPYC (Zen 4) per core: 32 KiB L1d, 1 MiB L2, 32 MiB shared L3.
/// - `mr × nr` (4×8) is the register tile: 8 `SIMD4<Double>` accumulators + 2 B vectors + 4
///   broadcast A values = 14 of the 16 ymm registers (6×8 spilled: the compiler hoists the
///   broadcasts).
/// - `kc` = 256: one packed B micro-panel (`kc × nr` = 16 KiB) stays in L1 while A streams.
/// - `mc` = 192: a packed A block (`mc × kc` = 384 KiB) stays in L2.
/// - `nc` = 4096: a packed B panel (`kc × nc` = 8 MiB) per worker stays in L3.
///
/// `kc` fixes how each element's k-reduction is split into partial sums, so it must never depend
/// on the thread count or the problem's partition (that is what keeps results bit-identical).
enum GEMMBlocking {
    static let mr = 4
    static let nr = 8
    static let kc = 256
    static let mc = 192
    static let nc = 4096

    /// Below this many multiply-adds one thread does the whole product: waking a second thread
    /// costs tens of microseconds, about what one core does with 2^20 multiply-adds.
    static let parallelThreshold = 1 << 21
    /// Below this many multiply-adds (and with `k <= kc`) a direct loop beats packing.
    static let directThreshold = 4096
}
