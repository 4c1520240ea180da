/// Bounds one tensor's diagnosis search so a pathological request cannot hold a worker: the elements
/// of candidate gradients compared (each computed candidate is compared once per submission) and the
/// wall time. When either runs out the search stops and the tensor gets no diagnosis.
public struct SearchBudget: Sendable, Equatable {
    /// Most candidate elements compared for one submitted tensor.
    public var maxElements: Int
    /// Most seconds one tensor's search may take, candidates computed included.
    public var maxSeconds: Double

    public init(maxElements: Int = 50_000_000, maxSeconds: Double = 2) {
        self.maxElements = maxElements
        self.maxSeconds = maxSeconds
    }
}

/// What is left of a `SearchBudget` during one search.
struct SearchMeter {
    let budget: SearchBudget
    private let start = ContinuousClock.now
    private(set) var elements = 0

    init(_ budget: SearchBudget) { self.budget = budget }

    /// Counts `count` elements compared; false once the budget is spent.
    mutating func spend(_ count: Int) -> Bool {
        elements += count
        return !exhausted
    }

    var exhausted: Bool {
        elements > budget.maxElements || ContinuousClock.now - start > .seconds(budget.maxSeconds)
    }
}
