import ConvEngine
import TestSupport
import Testing

@testable import Grading

/// Zero false positives over random problems (issue 16): on every gradient of random conv and dense
/// networks, a right answer, float32 rounding, a random array, zeros, one wrong element and a random
/// array of each searched wrong shape never get a diagnosis, while the true gradient negated does.
@Suite struct SearchPropertyTests {
    /// conv (random channels, kernel, stride, padding, mode) -> an activation -> flatten -> linear ->
    /// cross entropy, or a dense net with mse.
    static func randomProblem(_ seed: UInt64) -> GradingProblem {
        var rng = SplitMix64(seed: seed)
        func pick(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int((rng.uniform() + 1) / 2 * Double(range.count)) % range.count
        }
        let batch = pick(1...3)
        let classes = pick(2...3)
        if seed % 4 == 3 {
            let (inF, outF) = (pick(2...6), pick(2...4))
            return GradingProblem(
                layers: [Linear(weight: rng.tensor([outF, inF]), bias: rng.tensor([outF])), Tanh()],
                input: rng.tensor([batch, inF]), seed: .gradOutput(rng.tensor([batch, outF])))
        }
        let (cin, cout, kernel, size) = (pick(1...3), pick(1...3), pick(1...3), pick(4...7))
        let stride = Pair(pick(1...2), pick(1...2))
        let padding = pick(0...2)
        let conv = Conv2d(
            weight: rng.tensor([cout, cin, kernel, kernel]), bias: rng.tensor([cout]), stride: stride,
            padding: .explicit(Pair(padding)), paddingMode: seed % 5 == 4 && padding > 0 ? .reflect : .zeros)
        let g = ConvGeometry(spec: conv.spec, inputShape: [batch, cin, size, size])
        let activation: any GradedLayer = [ReLU(), Sigmoid(), Tanh()][Int(seed % 3)]
        let features = cout * g.outH * g.outW
        return GradingProblem(
            layers: [
                conv, activation, Flatten(),
                Linear(weight: rng.tensor([classes, features]), bias: rng.tensor([classes])),
            ],
            input: rng.tensor([batch, cin, size, size]),
            seed: .loss(LossSpec(kind: .crossEntropy, target: .classIndices((0..<batch).map { $0 % classes }))))
    }

    static func expectations(_ s: Solution) -> [(String, Tensor)] {
        (s.problem.gradientNames + s.problem.layerNames).compactMap { name in s.expected(named: name).map { (name, $0) }
        }
    }

    @Test(arguments: 0..<24) func randomProblems_neverDiagnoseRightNoisyRandomOrOneWrongElement(_ seed: Int) throws {
        let s = try Fixtures.solve(Self.randomProblem(UInt64(seed)))
        let grader = Grader(solution: s)
        var rng = SplitMix64(seed: UInt64(1000 + seed))
        for (name, expected) in Self.expectations(s) {
            let scale = max(expected.maxAbs, 1e-300)
            var oneWrong = expected
            oneWrong.data[expected.count / 2] += 1 + abs(oneWrong.data[expected.count / 2])
            var submissions = [
                ("right", expected),
                ("float32", Tensor(shape: expected.shape, data: expected.data.map { Double(Float($0)) })),
                ("random", rng.tensor(expected.shape).scaled(scale)), ("zeros", Tensor(shape: expected.shape)),
            ]
            if expected.count > 1 { submissions.append(("one wrong element", oneWrong)) }
            for shape in Self.searchedShapes(s, name) {
                submissions.append(("random \(shape)", rng.tensor(shape).scaled(scale)))
            }
            for (what, submitted) in submissions {
                let graded = try #require(grader.grade(name: name, submitted: submitted))
                #expect(
                    graded.diagnosis == nil, "seed \(seed), \(name), \(what): \(String(describing: graded.diagnosis))")
            }
            if expected.data.filter({ $0 != 0 }).count >= 1 {
                let negated = grader.grade(name: name, submitted: expected.scaled(-1))?.diagnosis
                #expect(
                    negated?.code == DiagnosisCode.wrongSign, "seed \(seed), \(name): \(String(describing: negated))")
            }
        }
    }

    /// The wrong shapes the search can diagnose for `name`: every candidate's shape that is not the expected one.
    static func searchedShapes(_ s: Solution, _ name: String) -> [[Int]] {
        guard let target = s.problem.target(named: name) else { return [] }
        let catalog = MistakeCatalog(solution: s)
        var shapes: [[Int]] = []
        let expected = TensorIndex.squeezed(s.writtenShape(of: target))
        for candidate in catalog.candidates(for: target) where TensorIndex.squeezed(candidate.tensor.shape) != expected
        {
            if !shapes.contains(candidate.tensor.shape) { shapes.append(candidate.tensor.shape) }
        }
        return shapes
    }
}
