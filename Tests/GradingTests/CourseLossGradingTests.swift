import ConvEngine
import TestSupport
import Testing

@testable import Grading

/// The course losses (bce, multi_margin, svm, cross_entropy with label smoothing) through grading:
/// the loss's own derivative explained, gradcheck, and the svm's classic mistake carried back.
@Suite struct CourseLossGradingTests {
    /// linear 6 -> 4 (then a sigmoid for bce), scored by `loss` against 5 samples.
    static func network(_ kind: LossKind, labelSmoothing: Double = 0) -> GradingProblem {
        var rng = SplitMix64(seed: 17)
        let dense = Linear(weight: rng.tensor([4, 6]).scaled(2), bias: rng.tensor([4]))
        let target: LossTarget =
            kind == .bce
            ? .values(Tensor(shape: [5, 4], data: (0..<20).map { Double($0 % 3) / 2 }))
            : .classIndices([3, 0, 1, 1, 2])
        let layers: [any GradedLayer] = kind == .bce ? [dense, Sigmoid()] : [dense]
        return GradingProblem(
            layers: layers, input: rng.tensor([5, 6]),
            seed: .loss(LossSpec(kind: kind, target: target, labelSmoothing: labelSmoothing)))
    }

    static let losses: [(String, LossKind, Double)] = [
        ("bce", .bce, 0), ("multi_margin p1", .multiMargin(p: 1, margin: 1), 0),
        ("multi_margin p2", .multiMargin(p: 2, margin: 0.5), 0),
        ("svm", .svm(margin: 1), 0), ("cross_entropy smoothed", .crossEntropy, 0.2),
    ]

    @Test(arguments: losses.indices) func lossDerivativeExplained_andGradcheckPasses(_ which: Int) throws {
        let (label, kind, smoothing) = Self.losses[which]
        let problem = Self.network(kind, labelSmoothing: smoothing)
        let s = try Fixtures.solve(problem)
        let last = problem.layerNames.last!
        let g = try #require(s.expected(named: last))
        for flat in [0, g.count / 2, g.count - 1] {
            let e = try s.explain(of: last, index: TensorIndex.unravel(flat, g.shape))
            #expect(e.terms.count == 1 && e.terms[0].upstream.of == "loss", "\(label)")
            #expect(!e.formula.contains("dL/dy_hat ="), "\(label): \(e.formula)")
            #expect(e.value == g.data[flat])
        }
        let report = try s.gradcheck()
        #expect(report.passed, "\(label): \(report.results.map { "\($0.name) \($0.maxRelError)" })")
    }

    @Test func svmCountingTheCorrectClass_isDiagnosed_atTheScoresAndTheWeight() throws {
        let problem = Self.network(.svm(margin: 1))
        let s = try Fixtures.solve(problem)
        var dScores = s.backward.activationGradients[0]
        for (row, y) in [3, 0, 1, 1, 2].enumerated() { dScores.data[row * 4 + y] -= 1.0 / 5 }
        #expect(Fixtures.diagnose(s, "0", dScores)?.code == .svmOwnMargin)
        let x = problem.input
        var dW = Tensor(shape: [4, 6])
        for o in 0..<4 {
            for f in 0..<6 { for n in 0..<5 { dW.data[o * 6 + f] += dScores.data[n * 4 + o] * x.data[n * 6 + f] } }
        }
        #expect(Fixtures.diagnose(s, "0.weight", dW)?.code == .svmOwnMargin)
    }

    @Test(arguments: losses.indices) func rightAnswers_getNoDiagnosis(_ which: Int) throws {
        let (label, kind, smoothing) = Self.losses[which]
        let s = try Fixtures.solve(Self.network(kind, labelSmoothing: smoothing))
        var rng = SplitMix64(seed: 4)
        for name in ["input", "0.weight", "0.bias", "0"] {
            let g = try #require(s.expected(named: name))
            #expect(Fixtures.diagnose(s, name, g) == nil, "\(label) \(name)")
            #expect(Fixtures.diagnose(s, name, rng.tensor(g.shape)) == nil, "\(label) \(name): random")
        }
    }
}
