import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splitting one product over the machine's cores.
enum GEMMParallel {
    /// Online processors (2 on the project's machine).
    static let processorCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Cuts C into `parts` rectangles along its longer side, each a whole number of register
    /// tiles (except the last), so no k-reduction is ever split between threads.
    static func partition(m: Int, n: Int, parts: Int) -> [GEMMRegion] {
        let splitColumns = n >= m
        let extent = splitColumns ? n : m
        let unit = splitColumns ? GEMMBlocking.nr : GEMMBlocking.mr
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
    /// Runs `multiplyBlocked` on every core over disjoint regions of C; each worker owns its
    /// packing buffers. Results equal the single-threaded ones bit for bit (see `multiplyBlocked`).
    func multiplyParallel(m: Int, n: Int) {
        let regions = GEMMParallel.partition(m: m, n: n, parts: GEMMParallel.processorCount)
        DispatchQueue.concurrentPerform(iterations: regions.count) { index in
            let workspace = GEMMWorkspace()
            multiplyBlocked(regions[index], workspace: workspace)
        }
    }
}
