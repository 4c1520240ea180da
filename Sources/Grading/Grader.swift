import ConvEngine

/// How one submitted tensor was graded.
public struct GradedTensor: Sendable {
    public var name: String
    public var comparison: Comparison
    /// The likely mistake, on a failing tensor that matches one.
    public var diagnosis: Diagnosis?
}

/// One student's graded submission.
public struct GradedSubmission: Sendable {
    /// Per submitted tensor, in submission order.
    public var results: [GradedTensor]
    /// The fraction of submitted tensors that pass (0 for an empty submission).
    public var score: Double {
        results.isEmpty ? 0 : Double(results.filter(\.comparison.passed).count) / Double(results.count)
    }
    public var passed: Bool { !results.isEmpty && results.allSatisfy(\.comparison.passed) }
}

/// Options of one grading request.
public struct GradingOptions: Sendable {
    public var tolerance: Tolerance
    /// Hidden feedback: diagnoses carry no figure derived from the answer.
    public var hidden: Bool
    /// Bounds each failing tensor's diagnosis search.
    public var searchBudget: SearchBudget
    public init(tolerance: Tolerance = Tolerance(), hidden: Bool = false, searchBudget: SearchBudget = SearchBudget()) {
        self.tolerance = tolerance
        self.hidden = hidden
        self.searchBudget = searchBudget
    }
}

/// Grades any number of submissions against one problem solved once. Mistake candidates are built
/// on the first failing tensor that needs them and reused for every later submission.
///
/// Not Sendable on purpose: one request grades its submissions in order on one thread.
public final class Grader {
    public let solution: Solution
    public let options: GradingOptions
    private let catalog: MistakeCatalog

    /// `cancel` is checked while mistake candidates are computed (a few backward passes, once).
    /// `names`, when given, are the only gradient names that will be graded: mistake candidates
    /// are kept for those alone.
    public init(
        solution: Solution, options: GradingOptions = GradingOptions(), cancel: CancellationCheck? = nil,
        names: Set<String>? = nil
    ) {
        self.solution = solution
        self.options = options
        let wanted = names.map { Set($0.compactMap(solution.problem.target(named:))) }
        self.catalog = MistakeCatalog(solution: solution, cancel: cancel, wanted: wanted)
    }

    /// Grades a submission; every name must be one `solution.expected(named:)` knows (the API layer
    /// rejects unknown names first), unknown ones are skipped.
    public func grade(_ submission: [(name: String, tensor: Tensor)]) -> GradedSubmission {
        GradedSubmission(results: submission.compactMap { grade(name: $0.name, submitted: $0.tensor) })
    }

    /// Grades one tensor against the gradient `name`, or nil for an unknown name.
    public func grade(name: String, submitted: Tensor) -> GradedTensor? {
        guard let target = solution.problem.target(named: name), let expected = solution.expected(named: name) else {
            return nil
        }
        let comparison = Comparison(submitted: submitted, expected: expected, tolerance: options.tolerance)
        var diagnosis: Diagnosis?
        if !comparison.passed {
            diagnosis = Diagnoser(catalog: catalog, revealFactor: !options.hidden, budget: options.searchBudget)
                .diagnose(submitted, target: target)
        }
        return GradedTensor(name: name, comparison: comparison, diagnosis: diagnosis)
    }
}
