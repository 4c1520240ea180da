// gradbench: issue 7's in-process benchmarks. See bench/README.md.
import ConvEngine

#if canImport(Glibc)
    import Glibc
#endif

do {
    let options = try BenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    // As gradserver does at startup: big freed buffers are reused, not page-faulted in again.
    if !options.defaultMalloc { AllocatorTuning.retainFreedMemory() }
    let kernels = try options.kernels.map { name in try KernelPath.named(name) } ?? KernelPath.fromEnvironment()
    try KernelPath.select(kernels)
    let supported = KernelPath.supported.map(\.rawValue).joined(separator: ", ")
    print(
        "== kernel path: \(kernels.rawValue) (this CPU runs: \(supported); --kernels or \(KernelPath.environmentVariable) forces one)"
    )
    if options.wants(section: "gemm") { GEMMSection.run(options: options) }
    if options.wants(section: "workloads") { WorkloadSection.run(options: options) }
    if options.wants(section: "layers") { LayerSection.run(options: options) }
    if options.wants(section: "api") { APISection.run(options: options) }
    if options.wants(section: "json") { JSONSection.run(options: options) }
    if options.wants(section: "grading") { GradingSection.run(options: options) }
} catch {
    print(error)
    exit(2)
}
