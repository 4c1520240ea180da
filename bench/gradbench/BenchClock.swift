import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Wall-clock samples of repeated runs and their summary.
struct Samples {
    /// Seconds per run.
    var seconds: [Double]
    /// This process's CPU seconds (all threads) per run: unlike wall time, barely affected by
    /// other processes competing for the cores, so it shows the kernel's own efficiency.
    var cpuSeconds: [Double] = []

    /// Times `body` `runs` times after `warmups` untimed runs.
    static func measure(runs: Int, warmups: Int = 1, _ body: () throws -> Void) rethrows -> Samples {
        for _ in 0..<warmups { try body() }
        let clock = ContinuousClock()
        var seconds: [Double] = []
        seconds.reserveCapacity(runs)
        var cpuSeconds: [Double] = []
        for _ in 0..<runs {
            let cpuStart = processCPUSeconds()
            let elapsed = try clock.measure(body)
            cpuSeconds.append(processCPUSeconds() - cpuStart)
            seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        return Samples(seconds: seconds, cpuSeconds: cpuSeconds)
    }

    /// Median CPU seconds per run.
    var cpuMedian: Double { Samples(seconds: cpuSeconds).median }

    static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    var sorted: [Double] { seconds.sorted() }
    var median: Double {
        let s = sorted
        if s.isEmpty { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
    var minimum: Double { seconds.min() ?? 0 }
    var maximum: Double { seconds.max() ?? 0 }
    /// (p90 - p10) / median: how much the host's speed wandered during the runs, without letting
    /// one preempted run (other processes share the cores) dominate as max - min would.
    var spread: Double {
        let s = sorted
        guard median > 0, !s.isEmpty else { return 0 }
        let p10 = s[(s.count - 1) / 10]
        let p90 = s[(s.count - 1) * 9 / 10]
        return (p90 - p10) / median
    }

    /// "1.23 ms (min 1.20, max 1.31, spread 9%, 15 runs)", spread being p10 to p90.
    var summary: String {
        let (scale, unit) = Samples.unit(for: median)
        return "\(fmt(median * scale)) \(unit) (min \(fmt(minimum * scale)), max \(fmt(maximum * scale)), "
            + "p10-p90 spread \(fmt(spread * 100, digits: 0))%, \(seconds.count) runs)"
    }

    /// "CPU 2.10 ms/run": median CPU time of all threads per run.
    var cpuSummary: String {
        let (scale, unit) = Samples.unit(for: cpuMedian)
        return "CPU \(fmt(cpuMedian * scale)) \(unit)/run"
    }

    private static func unit(for seconds: Double) -> (Double, String) {
        if seconds < 1e-3 { return (1e6, "us") }
        if seconds < 1 { return (1e3, "ms") }
        return (1, "s")
    }
}

/// `value` with a fixed number of decimals (no Foundation String(format:)).
func fmt(_ value: Double, digits: Int = 2) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (abs(value) * scale).rounded()
    let whole = Int(rounded / scale)
    let fraction = Int(rounded - Double(whole) * scale)
    let sign = value < 0 && rounded > 0 ? "-" : ""
    guard digits > 0 else { return "\(sign)\(whole)" }
    let fractionText = String(fraction)
    return "\(sign)\(whole).\(String(repeating: "0", count: digits - fractionText.count))\(fractionText)"
}

/// Uniform in [-1, 1], from the tests' seeded generator (Tests/TestSupport), so every run benchmarks the same numbers.
func randomValues(_ count: Int, using rng: inout SplitMix64) -> [Double] {
    (0..<count).map { _ in Double.random(in: -1...1, using: &rng) }
}
