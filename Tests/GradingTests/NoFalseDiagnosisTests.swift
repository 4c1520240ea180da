import ConvEngine
import TestSupport
import Testing

@testable import Grading

/// A correct answer, float32 rounding, small noise, random arrays and zeros must never get a
/// diagnosis, on any gradient of any of the fixture problems.
@Suite struct NoFalseDiagnosisTests {
    static func problems() -> [GradingProblem] {
        [
            Fixtures.lesson(), Fixtures.convNet(),
            Fixtures.convNet(stride: Pair(2, 1), padding: 2, mode: .reflect, seed: 7), Fixtures.denseNet(),
        ]
    }

    /// Every gradient name and layer name of a problem, with its expected tensor.
    static func expectations(_ s: Solution) -> [(String, Tensor)] {
        (s.problem.gradientNames + s.problem.layerNames).compactMap { name in s.expected(named: name).map { (name, $0) }
        }
    }

    @Test(arguments: 0..<4) func correctAndFloat32Submissions_passWithoutDiagnosis(_ which: Int) throws {
        let s = try Fixtures.solve(Self.problems()[which])
        let grader = Grader(solution: s)
        for (name, expected) in Self.expectations(s) {
            let float32 = Tensor(shape: expected.shape, data: expected.data.map { Double(Float($0)) })
            for submitted in [expected, float32] {
                let graded = try #require(grader.grade(name: name, submitted: submitted))
                #expect(graded.comparison.passed, "\(name)")
                #expect(graded.diagnosis == nil, "\(name): \(String(describing: graded.diagnosis))")
            }
        }
    }

    @Test(arguments: 0..<4) func noisyRandomAndZeroSubmissions_getNoDiagnosis(_ which: Int) throws {
        let s = try Fixtures.solve(Self.problems()[which])
        let grader = Grader(solution: s)
        var rng = SplitMix64(seed: UInt64(100 + which))
        for (name, expected) in Self.expectations(s) {
            let scale = max(expected.maxAbs, 1e-300)
            let tinyNoise = Tensor(shape: expected.shape, data: expected.data.map { $0 * (1 + 1e-7 * rng.uniform()) })
            let bigNoise = Tensor(shape: expected.shape, data: expected.data.map { $0 + 0.05 * scale * rng.uniform() })
            let random = rng.tensor(expected.shape).scaled(scale)
            let zeros = Tensor(shape: expected.shape)
            for submitted in [tinyNoise, bigNoise, random, zeros] {
                let graded = try #require(grader.grade(name: name, submitted: submitted))
                #expect(graded.diagnosis == nil, "\(name): \(String(describing: graded.diagnosis))")
            }
        }
    }

    @Test func hiddenFeedback_diagnosisCarriesNoNumberFromTheAnswer() throws {
        let s = try Fixtures.solve(Fixtures.convNet())
        let g = try #require(s.expected(named: "0.weight"))
        let shown = Fixtures.diagnose(s, "0.weight", g.scaled(3.7))
        #expect(shown?.code == DiagnosisCode.constantFactor && shown?.message.contains("3.7") == true)
        let hidden = try #require(Fixtures.diagnose(s, "0.weight", g.scaled(3.7), hidden: true))
        #expect(hidden.code == DiagnosisCode.constantFactor)
        #expect(!hidden.message.contains("3.7"))
        for value in g.data { #expect(!hidden.message.contains("\(value)")) }
    }

    @Test(arguments: 0..<4) func oneWrongElement_getsNoDiagnosis(_ which: Int) throws {
        let s = try Fixtures.solve(Self.problems()[which])
        for (name, expected) in Self.expectations(s) where expected.count > 1 {
            var submitted = expected
            submitted.data[expected.count / 2] += 1 + abs(submitted.data[expected.count / 2])
            #expect(Fixtures.diagnose(s, name, submitted) == nil, "\(name)")
        }
    }
}
