// gradbench: issue 7's in-process benchmarks. See bench/README.md.
import ConvEngine
#if canImport(Glibc)
import Glibc
#endif

do {
    let options = try BenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    // As gradserver does at startup: big freed buffers are reused, not page-faulted in again.
    if !options.defaultMalloc { AllocatorTuning.retainFreedMemory() }
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
