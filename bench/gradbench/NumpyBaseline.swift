import Foundation

/// The same run's numpy (OpenBLAS) dgemm, 2 threads: the machine's practical ceiling.
enum NumpyBaseline {
    struct Failure: Error { var reason: String }

    /// Prints `n gflops` per size: median of timed runs after one warm-up.
    static let script = """
        import sys, time, numpy as np
        quick = sys.argv[1] == '1'
        for n in map(int, sys.argv[2:]):
            rng = np.random.default_rng(n)
            a = rng.uniform(-1, 1, (n, n)); b = rng.uniform(-1, 1, (n, n))
            a @ b
            runs = (15 if n <= 512 else 7 if n <= 1024 else 3)
            runs = max(1, runs // 3) if quick else runs
            t = []
            for _ in range(runs):
                s = time.perf_counter(); a @ b; t.append(time.perf_counter() - s)
            t.sort()
            print(n, 2 * n**3 / t[len(t) // 2] / 1e9, flush=True)
        """

    /// GFLOP/s per size. The subprocess gets 2 BLAS threads and none of the `OPENBLAS_CORETYPE` /
    /// `OPENBLAS_L2_SIZE` overrides that may be set for other tools on this machine (issue 7), so
    /// OpenBLAS picks its own kernel; only that child's environment is changed.
    static func dgemmGFLOPS(sizes: [Int], quick: Bool) -> Result<[Int: Double], Failure> {
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
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

    private static func parse(_ text: String) -> [Int: Double] {
        var result: [Int: Double] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let n = Int(fields[0]), let g = Double(fields[1]) { result[n] = g }
        }
        return result
    }
}
