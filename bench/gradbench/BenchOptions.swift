/// Command-line options: `gradbench [--quick] [--no-numpy] [--default-malloc] [--kernels avx512|avx2|portable] [gemm|workloads|layers|api|json|grading|seed|mnist|cifar|bigconv ...]`.
struct BenchOptions {
    var quick = false
    var skipNumpy = false
    /// Leave glibc malloc at its defaults instead of `AllocatorTuning.retainFreedMemory()`.
    var defaultMalloc = false
    /// The GEMM kernel path to force (`--kernels NAME`, like `GRADSERVER_KERNELS`); nil: that
    /// variable, else the fastest this CPU runs.
    var kernels: String?
    /// Sections or workload names to run; empty means all.
    var selected: Set<String> = []

    static let sections: Set<String> = ["gemm", "workloads", "layers", "json", "api", "grading"]
    static let workloads: Set<String> = ["seed", "mnist", "cifar", "bigconv"]

    init(arguments: [String]) throws(UsageError) {
        var rest = arguments.makeIterator()
        while let argument = rest.next() {
            switch argument {
            case "--kernels":
                guard let name = rest.next() else { throw UsageError(argument: argument) }
                kernels = name
            case "--quick": quick = true
            case "--no-numpy": skipNumpy = true
            case "--default-malloc": defaultMalloc = true
            case _ where BenchOptions.sections.contains(argument) || BenchOptions.workloads.contains(argument):
                selected.insert(argument)
            default: throw UsageError(argument: argument)
            }
        }
    }

    /// Every section unless some are named; naming only workloads runs them in workloads and api.
    func wants(section: String) -> Bool {
        let sections = selected.intersection(BenchOptions.sections)
        if !sections.isEmpty { return sections.contains(section) }
        if selected.isEmpty { return true }
        return section == "workloads" || section == "api"
    }

    /// Every workload unless some are named.
    func wants(workload: String) -> Bool {
        selected.isDisjoint(with: BenchOptions.workloads) || selected.contains(workload)
    }

    struct UsageError: Error, CustomStringConvertible {
        var argument: String
        var description: String {
            "bad argument \(argument)\nusage: gradbench [--quick] [--no-numpy] [--default-malloc] [--kernels avx512|avx2|portable] [gemm|workloads|layers|api|json|grading|seed|mnist|cifar|bigconv ...]"
        }
    }
}
