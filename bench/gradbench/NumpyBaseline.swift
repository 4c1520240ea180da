import Foundation

/// The same run's numpy (OpenBLAS) dgemm, 2 threads: the machine's practical ceiling.
enum NumpyBaseline {
    struct Failure: Error { var reason: String }

    /// Prints `n gflops gflopsPerCPUSecond` per size: medians of timed runs after one warm-up
    /// (wall time, and CPU time of all the process's threads).
    static let script = """
        import sys, time, numpy as np
        quick = sys.argv[1] == '1'
        for n in map(int, sys.argv[2:]):
            rng = np.random.default_rng(n)
            a = rng.uniform(-1, 1, (n, n)); b = rng.uniform(-1, 1, (n, n))
            a @ b
            runs = (15 if n <= 512 else 7 if n <= 1024 else 3)
            runs = max(1, runs // 3) if quick else runs
            t, c = [], []
            for _ in range(runs):
                s, p = time.perf_counter(), time.process_time()
                a @ b
                t.append(time.perf_counter() - s); c.append(time.process_time() - p)
            t.sort(); c.sort()
            print(n, 2 * n**3 / t[len(t) // 2] / 1e9, 2 * n**3 / max(c[len(c) // 2], 1e-9) / 1e9, flush=True)
        """

    /// GFLOP/s per size (wall, per CPU-second). The subprocess gets 2 BLAS threads and none of the `OPENBLAS_CORETYPE` /
    /// `OPENBLAS_L2_SIZE` overrides that may be set for other tools on this machine (issue 7), so
    /// OpenBLAS picks its own kernel; only that child's environment is changed.
    /// `coreType` forces OpenBLAS's kernel (e.g. "Haswell" to compare with our AVX2 path).
    static func dgemmGFLOPS(
        sizes: [Int], quick: Bool, coreType: String? = nil
    ) -> Result<[Int: (wall: Double, cpu: Double)], Failure> {
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = coreType
        environment["OPENBLAS_L2_SIZE"] = nil
        environment["OPENBLAS_NUM_THREADS"] = "2"
        environment["OMP_NUM_THREADS"] = "2"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, quick ? "1" : "0"] + sizes.map(String.init)
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch { return .failure(Failure(reason: "cannot start python3: \(error)")) }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(Failure(reason: "python3 with numpy exited with status \(process.terminationStatus)"))
        }
        return .success(parse(String(decoding: data, as: UTF8.self)))
    }

    private static func parse(_ text: String) -> [Int: (wall: Double, cpu: Double)] {
        var result: [Int: (wall: Double, cpu: Double)] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 3, let n = Int(fields[0]), let wall = Double(fields[1]), let cpu = Double(fields[2]) {
                result[n] = (wall, cpu)
            }
        }
        return result
    }
}
