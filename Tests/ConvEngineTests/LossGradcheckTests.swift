import Testing

@testable import ConvEngine

/// Every loss with both reductions: the gradient `evaluate` returns against central differences of
/// the loss it returns.
@Suite struct LossGradcheckTests {
    static let elementwiseKinds: [LossKind] = [
        .mse, .l1, .smoothL1(beta: 1), .smoothL1(beta: 0.3), .smoothL1(beta: 0), .huber(delta: 1), .huber(delta: 0.4),
        .bceWithLogits,
    ]

    @Test(arguments: elementwiseKinds, [Reduction.mean, .sum])
    func elementwiseLossMatchesCentralDifferences(kind: LossKind, reduction: Reduction) throws {
        var rng = CaseGenerator(seed: 21)
        let x = rng.tensor([2, 3, 2], in: -2...2)
        let target = kind == .bceWithLogits ? rng.tensor([2, 3, 2], in: 0...1) : rng.tensor([2, 3, 2], in: -2...2)
        let spec = LossSpec(kind: kind, reduction: reduction, target: .values(target))
        try Self.check(spec, x, "\(kind.name) \(reduction)")
    }

    @Test(arguments: [Reduction.mean, .sum])
    func classLossesMatchCentralDifferences(reduction: Reduction) throws {
        var rng = CaseGenerator(seed: 22)
        let x = rng.tensor([3, 4], in: -3...3)
        var probabilities = rng.tensor([3, 4], in: 0...1)
        for row in 0..<3 {
            let total = probabilities.data[(row * 4)..<(row * 4 + 4)].reduce(0, +)
            for c in 0..<4 { probabilities.data[row * 4 + c] /= total }
        }
        let specs = [
            LossSpec(kind: .crossEntropy, reduction: reduction, target: .classIndices([3, 0, 1])),
            LossSpec(kind: .crossEntropy, reduction: reduction, target: .values(Tensor(shape: [3], data: [2, 2, 0]))),
            LossSpec(kind: .crossEntropy, reduction: reduction, target: .values(probabilities)),
            LossSpec(kind: .nll, reduction: reduction, target: .classIndices([1, 3, 0])),
        ]
        for spec in specs { try Self.check(spec, x, "\(spec.kind.name) \(reduction) \(spec.target)") }
    }

    /// Unnormalised "probabilities" (PyTorch accepts any values): the gradient keeps the `sum_j p_j` factor.
    @Test func crossEntropyWithUnnormalisedProbabilities() throws {
        var rng = CaseGenerator(seed: 23)
        let spec = LossSpec(kind: .crossEntropy, target: .values(rng.tensor([2, 3], in: 0...2)))
        try Self.check(spec, rng.tensor([2, 3]), "cross_entropy unnormalised")
    }

    static func check(_ spec: LossSpec, _ x: Tensor, _ label: String) throws {
        let gradient = try spec.evaluate(output: x).gradient
        try Gradcheck.expect(label, at: x, analytic: gradient) { try spec.evaluate(output: $0).loss }
    }
}

extension LossKind: CustomTestStringConvertible {
    public var testDescription: String { "\(self)" }
}
