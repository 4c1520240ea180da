// gradbench: issue 7's in-process benchmarks. See bench/README.md.
#if canImport(Glibc)
import Glibc
#endif

do {
    let options = try BenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    if options.tunedMalloc { MallocTuning.keepFreedMemory() }
    if options.wants(section: "gemm") { GEMMSection.run(options: options) }
    if options.wants(section: "workloads") { WorkloadSection.run(options: options) }
    if options.wants(section: "api") { APISection.run(options: options) }
    if options.wants(section: "json") { JSONSection.run(options: options) }
} catch {
    print(error)
    exit(2)
}
