/// Command-line options: `gradbench [--quick] [--no-numpy] [gemm|workloads|json|seed|mnist|cifar|bigconv ...]`.
struct BenchOptions {
    var quick = false
    var skipNumpy = false
    /// Sections or workload names to run; empty means all.
    var selected: Set<String> = []

    static let sections: Set<String> = ["gemm", "workloads", "json"]
    static let workloads: Set<String> = ["seed", "mnist", "cifar", "bigconv"]

    init(arguments: [String]) throws(UsageError) {
        for argument in arguments {
            switch argument {
            case "--quick": quick = true
            case "--no-numpy": skipNumpy = true
            case _ where BenchOptions.sections.contains(argument) || BenchOptions.workloads.contains(argument):
                selected.insert(argument)
            default: throw UsageError(argument: argument)
            }
        }
    }

    func wants(section: String) -> Bool {
        if selected.isEmpty || selected.contains(section) { return true }
        return section == "workloads" && !selected.isDisjoint(with: BenchOptions.workloads)
    }

    func wants(workload: String) -> Bool {
        selected.isEmpty || selected.contains("workloads") || selected.contains(workload)
    }

    struct UsageError: Error, CustomStringConvertible {
        var argument: String
        var description: String {
            "unknown argument \(argument)\nusage: gradbench [--quick] [--no-numpy] [gemm|workloads|json|seed|mnist|cifar|bigconv ...]"
        }
    }
}
