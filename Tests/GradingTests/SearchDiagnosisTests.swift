import ConvEngine
import Foundation
import TestSupport
import Testing

@testable import Grading

/// The diagnosis search (Grading/Search): primitive errors planted alone and in pairs on conv,
/// pool, linear and activation layers, wrong shapes, and the budget.
@Suite struct SearchDiagnosisTests {
    /// One conv layer seeded by dL/dY, batch 1, input written [C, H, W]: the lesson's layer
    /// (kernels [out, in, k, k], no padding, stride 1).
    static func lessonLayer(kernel: Int = 3, size: Int = 6, seed: UInt64 = 5) -> GradingProblem {
        var rng = SplitMix64(seed: seed)
        let conv = Conv2d(weight: rng.tensor([2, 3, kernel, kernel]), bias: rng.tensor([2]))
        let out = size - kernel + 1
        return GradingProblem(
            layers: [conv], input: rng.tensor([1, 3, size, size]), seed: .gradOutput(rng.tensor([1, 2, out, out])),
            writtenShapes: ["input": [3, size, size]])
    }

    static func student(_ s: Solution) -> (kernels: Tensor, input: Tensor) {
        guard case let conv as Conv2d = s.problem.layers[0], case .gradOutput(let dY) = s.problem.seed else {
            fatalError("not the lesson layer")
        }
        return LessonStudent.backward(input: s.problem.input, kernels: conv.weight, outputGradient: dY)
    }

    @Test(arguments: [2, 3]) func lessonStudentKernelGradient_isUpstreamFlipped(_ kernel: Int) throws {
        let s = try Fixtures.solve(Self.lessonLayer(kernel: kernel))
        let d = try #require(Fixtures.diagnose(s, "0.weight", Self.student(s).kernels))
        #expect(d.code == DiagnosisCode.upstreamFlipped, "\(d)")
        #expect(d.message.contains("You convolved where the forward pass correlates"))
    }

    @Test(arguments: [2, 3]) func lessonStudentInputGradient_isSamePaddingModeWithBothShapes(_ kernel: Int) throws {
        let s = try Fixtures.solve(Self.lessonLayer(kernel: kernel))
        let submitted = Self.student(s).input
        let graded = try #require(Grader(solution: s).grade(name: "input", submitted: submitted))
        #expect(!graded.comparison.shapeOK)
        let d = try #require(graded.diagnosis)
        #expect(d.code == DiagnosisCode.paddingMode, "\(d)")
        let out = 6 - kernel + 1
        #expect(
            d.message.contains("'same'") && d.message.contains("[3, \(out), \(out)]")
                && d.message.contains("[3, 6, 6]"), "\(d.message)")
    }

    @Test func validCorrelationForInputGradient_isPaddingModeValid() throws {
        let s = try Fixtures.solve(Self.lessonLayer(kernel: 2, size: 7))
        guard case let conv as Conv2d = s.problem.layers[0], case .gradOutput(let dY) = s.problem.seed else { return }
        var planes: [Scipy.Plane] = []
        for j in 0..<3 {
            var sum: Scipy.Plane = []
            for i in 0..<2 {
                let part = Scipy.convolve2d(Scipy.plane(dY, [0, i]), Scipy.plane(conv.weight, [i, j]), "valid")
                sum = sum.isEmpty ? part : Scipy.add(sum, part)
            }
            planes.append(sum)
        }
        let submitted = Tensor(shape: [3, 5, 5], data: planes.flatMap { $0.flatMap { $0 } })
        let d = try #require(Fixtures.diagnose(s, "input", submitted))
        #expect(d.code == DiagnosisCode.paddingMode && d.message.contains("'valid'"), "\(d)")
    }

    @Test func correlatedSameInputGradient_isKernelFlippedAndPaddingMode() throws {
        let s = try Fixtures.solve(Self.lessonLayer(kernel: 3))
        guard case let conv as Conv2d = s.problem.layers[0], case .gradOutput(let dY) = s.problem.seed else { return }
        var planes: [Scipy.Plane] = []
        for j in 0..<3 {
            var sum: Scipy.Plane = []
            for i in 0..<2 {
                let part = Scipy.correlate2d(Scipy.plane(dY, [0, i]), Scipy.plane(conv.weight, [i, j]), "same")
                sum = sum.isEmpty ? part : Scipy.add(sum, part)
            }
            planes.append(sum)
        }
        let submitted = Tensor(shape: [3, 4, 4], data: planes.flatMap { $0.flatMap { $0 } })
        let d = try #require(Fixtures.diagnose(s, "input", submitted))
        #expect(d.causes == [DiagnosisCode.kernelFlipped, DiagnosisCode.paddingMode], "\(d)")
    }

    @Test func upstreamFlippedTimesBatchSize_isPairWithNamedFactor() throws {
        let p = Fixtures.convNet(padding: 0, batch: 3)
        let s = try Fixtures.solve(p)
        let dZ = s.backward.activationGradients[0]
        let g = ConvGeometry(spec: (p.layers[0] as! Conv2d).spec, inputShape: p.input.shape)
        let wrong = g.weightGradient(upstream: dZ.rotated180(), input: p.input).scaled(3)
        let d = try #require(Fixtures.diagnose(s, "0.weight", wrong))
        #expect(d.causes == [DiagnosisCode.upstreamFlipped, DiagnosisCode.constantFactor], "\(d)")
        #expect(d.message.contains("N = 3"))
    }

    @Test func transposedLinearWeightTimesBatchSize_isTransposedAndConstantFactor() throws {
        let s = try Fixtures.solve(Fixtures.denseNet())
        let g = try #require(s.expected(named: "0.weight"))
        let wrong = g.permuted([1, 0]).scaled(4)
        let d = try #require(Fixtures.diagnose(s, "0.weight", wrong))
        #expect(d.causes == [DiagnosisCode.transposed, DiagnosisCode.constantFactor], "\(d)")
        #expect(d.message.contains("[5, 3]") && d.message.contains("[3, 5]"))
    }

    @Test func unmaskedReluWithWrongSign_isReluMaskAndSign() throws {
        let p = Fixtures.convNet()
        let s = try Fixtures.solve(p)
        let unmasked = try Planted.convBackward(p, gradOutput: s.backward.activationGradients[1]).parameterGradients[0][
            0
        ].tensor
        let d = try #require(Fixtures.diagnose(s, "0.weight", unmasked.scaled(-1)))
        #expect(d.causes == [DiagnosisCode.reluMaskWrong, DiagnosisCode.wrongSign], "\(d)")
    }

    @Test func maxpoolSpreadSummedOverBatch_isSpreadAndBatchSummed() throws {
        let s = try Fixtures.solve(Fixtures.convNet())
        let dY = s.backward.activationGradients[2]
        let shape = s.backward.activations[1].shape
        let spread = Planted.spread2x2(dY, inputShape: shape, share: 1)
        let d = try #require(Fixtures.diagnose(s, "1", spread.summed(over: [0])))
        #expect(d.causes == [DiagnosisCode.maxpoolSpread, DiagnosisCode.batchSummed], "\(d)")
    }

    @Test func inputGradientOfOneSampleOrSummed_isBatchPrimitive() throws {
        let s = try Fixtures.solve(Fixtures.convNet())
        let g = try #require(s.expected(named: "input"))  // [4, 3, 8, 8]
        #expect(
            Fixtures.diagnose(s, "input", g.samples(0..<1).reshaped([3, 8, 8]))?.code == DiagnosisCode.batchAxisMissing)
        #expect(Fixtures.diagnose(s, "input", g.summed(over: [0]))?.code == DiagnosisCode.batchSummed)
    }

    @Test func flattenGradientNotReshapedBack_isNotReshaped() throws {
        let s = try Fixtures.solve(Fixtures.convNet())
        let g = try #require(s.expected(named: "2"))  // dL/d(max-pool output) [4, 2, 4, 4]
        let d = try #require(Fixtures.diagnose(s, "2", g.reshaped([4, 32])))
        #expect(d.code == DiagnosisCode.notReshaped && d.message.contains("[4, 2, 4, 4]"), "\(d)")
    }

    @Test func paddedConvWeightFromUnpaddedInput_isPaddingMode() throws {
        let p = Fixtures.convNet(padding: 1)
        let s = try Fixtures.solve(p)
        let dZ = s.backward.activationGradients[0]  // [4, 2, 8, 8] over an 8x8 input: a 1x1 'valid' kernel
        let wrong = Planted.weightGradient(x: p.input, dZ: dZ, kernel: 1, sh: 1, sw: 1, pad: 0)
        let d = try #require(Fixtures.diagnose(s, "0.weight", wrong))
        #expect(d.code == DiagnosisCode.paddingMode && d.message.contains("[2, 3, 1, 1]"), "\(d)")
    }

    @Test func sigmoidDerivativeAtTheOutput_isActivationAtOutput() throws {
        var rng = SplitMix64(seed: 9)
        let p = GradingProblem(
            layers: [Linear(weight: rng.tensor([3, 4]), bias: rng.tensor([3])), Sigmoid()],
            input: rng.tensor([2, 4]), seed: .gradOutput(rng.tensor([2, 3])))
        let s = try Fixtures.solve(p)
        let y = s.backward.activations[1]
        let dY = s.backward.activationGradients[1]
        let wrong = Tensor(
            shape: y.shape,
            data: zip(y.data, dY.data).map { y, d in
                let sy = 1 / (1 + exp(-y))
                return d * sy * (1 - sy)
            })
        #expect(Fixtures.diagnose(s, "0", wrong)?.code == DiagnosisCode.activationAtOutput)
    }

    @Test func sameShapeButWrongValues_getsNoShapeDiagnosis() throws {
        let s = try Fixtures.solve(Self.lessonLayer(kernel: 3))
        var rng = SplitMix64(seed: 3)
        let submitted = rng.tensor([3, 4, 4])
        #expect(Fixtures.diagnose(s, "input", submitted) == nil)
        var almost = Self.student(s).input
        almost.data[5] += 1
        #expect(Fixtures.diagnose(s, "input", almost) == nil)
    }

    @Test func spentBudget_givesNoDiagnosis() throws {
        let s = try Fixtures.solve(Self.lessonLayer(kernel: 3))
        let options = GradingOptions(searchBudget: SearchBudget(maxElements: 0, maxSeconds: 10))
        let graded = Grader(solution: s, options: options).grade(name: "0.weight", submitted: Self.student(s).kernels)
        #expect(graded?.diagnosis == nil)
    }
}
