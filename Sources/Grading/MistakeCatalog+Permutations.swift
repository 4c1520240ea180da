import ConvEngine

extension MistakeCatalog {
    /// The true gradient with its axes in every other order that moves data (permutations that only
    /// move size-1 axes change nothing and are skipped). Swapping the last two axes is a transpose.
    static func permutations(of truth: Tensor) -> [Candidate] {
        guard truth.rank >= 2, truth.rank <= 4 else { return [] }
        var found: [Candidate] = []
        for order in allOrders(truth.rank) where movesData(order, truth.shape) {
            let shape = order.map { truth.shape[$0] }
            found.append(
                Candidate(
                    diagnosis: diagnosis(order, rank: truth.rank),
                    tensor: LazyTensor(shape: shape) { truth.permuted(order) }))
        }
        return found
    }

    private static func allOrders(_ rank: Int) -> [[Int]] {
        guard rank > 1 else { return [[0]] }
        var orders: [[Int]] = []
        for rest in allOrders(rank - 1) {
            for slot in 0...rest.count {
                var order = rest
                order.insert(rank - 1, at: slot)
                orders.append(order)
            }
        }
        return orders.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// True when the axes longer than 1 come out in another relative order.
    private static func movesData(_ order: [Int], _ shape: [Int]) -> Bool {
        let real = order.filter { shape[$0] > 1 }
        return real != real.sorted()
    }

    private static func diagnosis(_ order: [Int], rank: Int) -> Diagnosis {
        let identity = Array(0..<rank)
        var swappedLast = identity
        swappedLast.swapAt(rank - 1, rank - 2)
        if order == swappedLast {
            let message =
                rank == 2
                ? "Your gradient is the transpose of the expected one: a gradient has the layout of its tensor, [out_features, in_features] for a linear weight (y = x W^T + b)."
                : "Your gradient has its last two axes swapped (rows and columns, H and W): a gradient keeps the layout of its tensor."
            return Diagnosis(code: DiagnosisCode.transposed, message: message)
        }
        let layout = rank == 4 ? "[N, C, H, W] or [out, in, kh, kw]" : "its tensor's"
        return Diagnosis(
            code: DiagnosisCode.axesPermuted,
            message:
                "Your gradient has the right values with its axes in the wrong order (axes (\(order.map(String.init).joined(separator: ", "))) of the expected one): keep the \(layout) layout of the tensor it is the gradient of."
        )
    }
}
