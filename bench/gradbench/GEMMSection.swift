import ConvEngine

/// GEMM GFLOP/s (2·n³ flops per product) for square row-major products, ours and numpy's.
enum GEMMSection {
    static let sizes = [512, 1024, 2048]

    static func run(options: BenchOptions) {
        print("== GEMM: C = A·B, float64, square n (GFLOP/s = 2n^3 / median wall time) ==")
        print("(per CPU-second: flops / CPU time of all our threads, i.e. per fully used core)")
        var ours: [Int: (wall: Double, cpu: Double)] = [:]
        for n in sizes {
            let samples = measureOurs(n: n, runs: runs(for: n, quick: options.quick))
            let perCore = gflops(n: n, seconds: samples.cpuMedian)
            ours[n] = (gflops(n: n, seconds: samples.median), perCore)
            print(
                "ours   n=\(n): \(fmt(ours[n]!.wall, digits: 1)) GFLOP/s  \(samples.summary); \(fmt(perCore, digits: 1)) per CPU-second"
            )
        }
        ConvShapes.run(quick: options.quick)
        guard !options.skipNumpy else { return }
        // Judge each path against the same class of BLAS kernel (shared/PERF-NOTES.md): OpenBLAS's
        // Haswell (AVX2) kernel for our avx2 path, its own choice (SkylakeX on an AVX-512 CPU) otherwise.
        let coreType = KernelPath.active == .avx2 ? "Haswell" : nil
        print("numpy's OpenBLAS kernel: \(coreType.map { "OPENBLAS_CORETYPE=\($0)" } ?? "its own choice")")
        switch NumpyBaseline.dgemmGFLOPS(sizes: sizes, quick: options.quick, coreType: coreType) {
        case .success(let theirs):
            for n in sizes {
                guard let their = theirs[n], let our = ours[n] else { continue }
                print(
                    "numpy  n=\(n): \(fmt(their.wall, digits: 1)) GFLOP/s, \(fmt(their.cpu, digits: 1)) per CPU-second;"
                        + " ours/numpy = \(fmt(our.wall / their.wall, digits: 2)) (wall), \(fmt(our.cpu / their.cpu, digits: 2)) (per CPU-second)"
                )
            }
        case .failure(let error):
            print("numpy baseline unavailable: \(error.reason)")
        }
    }

    static func runs(for n: Int, quick: Bool) -> Int {
        let full = n <= 512 ? 15 : n <= 1024 ? 7 : 3
        return quick ? max(1, full / 3) : full
    }

    static func gflops(n: Int, seconds: Double) -> Double {
        2 * Double(n) * Double(n) * Double(n) / seconds / 1e9
    }

    static func measureOurs(n: Int, runs: Int) -> Samples {
        GEMMShape(m: n, n: n, k: n, transposeA: false, transposeB: false, accumulate: false).measure(runs: runs)
    }
}
