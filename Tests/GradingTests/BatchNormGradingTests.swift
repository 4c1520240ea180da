import ConvEngine
import TestSupport
import Testing

@testable import Grading

/// Batch norm through grading: the chain rule with the coupled Jacobian, gradient checks, and the
/// three mistakes the courses grade, each planted, with no diagnosis for right answers.
@Suite struct BatchNormGradingTests {
    /// conv -> batchnorm2d -> relu -> flatten -> linear, cross entropy; training or eval.
    static func network(training: Bool, seed: UInt64 = 3) -> GradingProblem {
        var rng = SplitMix64(seed: seed)
        let conv = Conv2d(weight: rng.tensor([3, 2, 2, 2]), bias: rng.tensor([3]))
        let gamma = Tensor(shape: [3], data: rng.tensor([3]).data.map { 1.5 + $0 / 2 })
        let variance = Tensor(shape: [3], data: rng.tensor([3]).data.map { 1 + abs($0) })
        let norm = BatchNorm2d(
            spec: BatchNormSpec(
                weight: gamma, bias: rng.tensor([3]), runningMean: rng.tensor([3]), runningVar: variance,
                training: training))
        let dense = Linear(weight: rng.tensor([4, 3 * 3 * 3]), bias: rng.tensor([4]))
        return GradingProblem(
            layers: [conv, norm, ReLU(), Flatten(), dense], input: rng.tensor([3, 2, 4, 4]),
            seed: .loss(LossSpec(kind: .crossEntropy, target: .classIndices([1, 3, 0]))))
    }

    @Test(arguments: [true, false]) func explainTermsSumToTheValue(training: Bool) throws {
        let problem = Self.network(training: training)
        let s = try Fixtures.solve(problem)
        try s.expectTermsSumToValue(["0", "1.weight", "1.bias"])
        let element = try s.explain(of: "0", index: [1, 2, 1, 0])
        // Training couples the whole channel (3 images x 3 x 3 positions); eval leaves one term.
        #expect(element.terms.count == (training ? 27 : 1))
        #expect(element.terms.allSatisfy { $0.local.of == "batchnorm2d'" })
    }

    @Test(arguments: [true, false]) func gradcheckPasses(training: Bool) throws {
        let report = try Fixtures.solve(Self.network(training: training)).gradcheck()
        #expect(report.passed, "\(report.results.map { "\($0.name) \($0.maxRelError)" })")
    }

    @Test func statisticsTreatedAsConstants_isDiagnosed() throws {
        let s = try Fixtures.solve(Self.network(training: true))
        let planted = try Self.inputGradient(s) { layer, x, dY in
            var eval = layer
            eval.spec.training = false
            let stats = layer.statistics(of: x)
            return eval.backward(dY, input: x, output: dY, saved: stats).input  // eval's formula, batch statistics
        }
        #expect(Fixtures.diagnose(s, "0", planted)?.code == .batchStatisticsConstant)
    }

    @Test func unbiasedVariance_isDiagnosed() throws {
        let s = try Fixtures.solve(Self.network(training: true))
        let planted = try Self.inputGradient(s) { layer, x, dY in
            let stats = layer.statistics(of: x)
            let m = Double(stats.count)
            let unbiased = BatchNormStatistics(
                mean: stats.mean,
                invStd: stats.batchVariance.map { 1 / ($0 * m / (m - 1) + layer.spec.eps).squareRoot() },
                batchVariance: stats.batchVariance, count: stats.count)
            return layer.backward(dY, input: x, output: dY, saved: unbiased).input
        }
        #expect(Fixtures.diagnose(s, "0", planted)?.code == .unbiasedVariance)
    }

    @Test func gammaForgotten_isDiagnosed() throws {
        let s = try Fixtures.solve(Self.network(training: true))
        let planted = try Self.inputGradient(s) { layer, x, dY in
            var plain = layer
            plain.spec.weight = nil
            return plain.backward(dY, input: x, output: dY, saved: plain.statistics(of: x)).input
        }
        #expect(Fixtures.diagnose(s, "0", planted)?.code == .gammaForgotten)
    }

    @Test(arguments: [true, false]) func rightAnswersAndNoise_getNoDiagnosis(training: Bool) throws {
        let s = try Fixtures.solve(Self.network(training: training))
        var rng = SplitMix64(seed: 9)
        for name in ["input", "0.weight", "1.weight", "1.bias", "0"] {
            let g = try #require(s.expected(named: name))
            #expect(Fixtures.diagnose(s, name, g) == nil, "\(name): right answer")
            let float32 = Tensor(shape: g.shape, data: g.data.map { Double(Float($0)) })
            #expect(Fixtures.diagnose(s, name, float32) == nil, "\(name): float32 rounding")
            #expect(Fixtures.diagnose(s, name, rng.tensor(g.shape)) == nil, "\(name): random")
        }
    }

    /// dL/d(input of the batch norm) computed by `backward` from the solution's values, as a
    /// student's batch norm backward would give it, and dL/d(conv output) is what "0" names.
    private static func inputGradient(
        _ s: Solution, _ backward: (BatchNorm2d, Tensor, Tensor) -> Tensor
    ) throws -> Tensor {
        let layer = try #require(s.problem.layers[1] as? BatchNorm2d)
        return backward(layer, s.backward.activations[0], s.backward.activationGradients[1])
    }
}
