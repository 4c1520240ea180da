import ConvEngine
import TestSupport
import Testing

@testable import Grading

@Suite struct GradcheckTests {
    @Test func lesson_passesWithNoKinks() throws {
        let report = try Fixtures.solve(Fixtures.lesson()).gradcheck()
        #expect(report.passed)
        #expect(report.results.map(\.name) == ["input", "0.weight", "0.bias", "2.weight", "2.bias"])
        for r in report.results {
            #expect(r.kinks.isEmpty)
            #expect(r.maxRelError < 1e-6, "\(r.name): \(r.maxRelError)")
        }
        #expect(report.results[0].numeric.shape == [4, 4])
    }

    @Test func everyLayerNetwork_agreesWithCentralDifferences() throws {
        let report = try Fixtures.solve(ExplainTests.everyLayer()).gradcheck()
        for r in report.results { #expect(r.passed, "\(r.name): max abs \(r.maxAbsError), rel \(r.maxRelError)") }
    }

    @Test func reluInputAtZero_isAKinkAndExcluded() throws {
        // pre-activation x0 - x1 = 0 exactly: every element moves it across the ReLU's kink.
        let problem = GradingProblem(
            layers: [Linear(weight: Tensor(shape: [1, 2], data: [1, -1])), ReLU()],
            input: Tensor(shape: [1, 2], data: [1, 1]),
            seed: .loss(LossSpec(kind: .mse, target: .values(Tensor(shape: [1, 1], data: [1])))))
        let report = try Fixtures.solve(problem).gradcheck()
        #expect(report.results[0].kinks == [[0, 0], [0, 1]])
        #expect(report.results[1].kinks == [[0, 0], [0, 1]])
        #expect(report.passed)
    }

    @Test func maxPoolTie_isAKinkOnlyWhereTheChoiceChanges() throws {
        let problem = GradingProblem(
            layers: [MaxPool2d(kernel: Pair(2)), Flatten()],
            input: Tensor(shape: [1, 1, 2, 2], data: [1, 1, 0, 0.5]),
            seed: .loss(LossSpec(kind: .mse, target: .values(Tensor(shape: [1, 1], data: [3])))))
        let report = try Fixtures.solve(problem).gradcheck()
        #expect(report.results[0].kinks == [[0, 0, 0, 0], [0, 0, 0, 1]])
        #expect(report.passed)
    }

    @Test func gradOutputSeed_checksSumOfGradOutputTimesOutput() throws {
        var rng = SplitMix64(seed: 5)
        let problem = GradingProblem(
            layers: [Linear(weight: rng.tensor([2, 3]), bias: rng.tensor([2])), Tanh()],
            input: rng.tensor([2, 3]), seed: .gradOutput(rng.tensor([2, 2])))
        let report = try Fixtures.solve(problem).gradcheck()
        #expect(report.passed)
    }

    @Test func impossibleTolerance_fails() throws {
        let options = GradcheckOptions(eps: 1e-3, tolerance: Tolerance(rtol: 0, atol: 0))
        let problem = GradingProblem(
            layers: [Sigmoid()], input: Tensor(shape: [1, 3], data: [0.3, -1, 2]),
            seed: .loss(LossSpec(kind: .mse, target: .values(Tensor(shape: [1, 3])))))
        #expect(try !Fixtures.solve(problem).gradcheck(options).passed)
    }

    @Test func cancellation_stopsTheCheck() throws {
        let s = try Fixtures.solve(Fixtures.lesson())
        #expect(throws: CancelledError.self) { try s.gradcheck(cancel: { true }) }
    }
}
