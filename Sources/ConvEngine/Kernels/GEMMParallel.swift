import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splitting one product over the machine's cores.
enum GEMMParallel {
    /// Online processors (2 on the project's machine).
    static let processorCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Regions per core: more balance the load when other processes share the cores, fewer
    /// repack less (each region packs the whole of the operand it does not split).
    static let chunksPerWorker = 2
    /// Extra regions (beyond one per core) only when each stays at least this long: a region
    /// repacks the other operand, which costs about `1/extent` of its compute per extra region
    /// (for a conv weight gradient, n = 576, four regions made packing A 3.5% of the time).
    static let minChunkExtent = 512

    /// How many regions to cut an `m × n` product into for `workers` cores.
    static func regionCount(m: Int, n: Int, workers: Int) -> Int {
        min(workers * chunksPerWorker, max(workers, max(m, n) / minChunkExtent))
    }

    /// Cuts C into `parts` rectangles along its longer side, each a whole number of register
    /// tiles (except the last), so no k-reduction is ever split between threads.
    static func partition(m: Int, n: Int, parts: Int, kernel: KernelPath = .portable) -> [GEMMRegion] {
        let splitColumns = n >= m
        let extent = splitColumns ? n : m
        let unit = splitColumns ? kernel.nr : kernel.mr
        let units = (extent + unit - 1) / unit
        let pieces = max(1, min(parts, units))
        var regions: [GEMMRegion] = []
        for piece in 0..<pieces {
            let lower = min(extent, units * piece / pieces * unit)
            let upper = min(extent, units * (piece + 1) / pieces * unit)
            if lower == upper { continue }
            regions.append(
                splitColumns
                    ? GEMMRegion(rows: 0..<m, cols: lower..<upper)
                    : GEMMRegion(rows: lower..<upper, cols: 0..<n))
        }
        return regions
    }
}

extension GEMMOperands {
    /// Runs `multiplyBlocked` on every core over disjoint regions of C. There are up to
    /// `chunksPerWorker` regions per core (see `regionCount`), handed out on demand so a core slowed by other
    /// processes takes fewer; each worker packs into its own workspace. Results equal the
    /// single-threaded ones bit for bit (see `multiplyBlocked`), whoever computes which region.
    func multiplyParallel(m: Int, n: Int) {
        let workers = GEMMParallel.processorCount
        let regions = GEMMParallel.partition(
            m: m, n: n, parts: GEMMParallel.regionCount(m: m, n: n, workers: workers), kernel: kernel)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: min(workers, regions.count)) { _ in
            let workspace = GEMMWorkspace()
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < regions.count else { return }
                multiplyBlocked(regions[index], workspace: workspace)
            }
        }
    }
}
