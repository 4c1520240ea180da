import ConvEngine

/// Issue 7's workloads in-process through `Network.backward` (forward + every gradient).
enum WorkloadSection {
    static func run(options: BenchOptions) {
        print("== Engine workloads: Network.backward in-process, float64 ==")
        for workload in Workload.all(quick: options.quick) where options.wants(workload: workload.name) {
            report(workload)
        }
    }

    private static func report(_ workload: Workload) {
        do {
            let samples = try Samples.measure(runs: workload.runs) {
                _ = try workload.network.backward(workload.input, seed: workload.seed)
            }
            var line = "\(workload.name): \(samples.summary), \(samples.cpuSummary)"
            let flops = workload.convFlops
            if flops >= 1e6 {
                line += ", conv \(fmt(flops / samples.median / 1e9, digits: 1)) GFLOP/s"
            }
            line +=
                ", PyTorch/ours = \(fmt(workload.pytorchSeconds / samples.median, digits: 2)) (issue 7's PyTorch time)"
            print(line)
        } catch {
            print("\(workload.name): not run: Network.backward threw \(error)")
        }
    }
}
