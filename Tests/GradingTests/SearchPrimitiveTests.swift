import ConvEngine
import TestSupport
import Testing

@testable import Grading

/// More primitives planted alone and in pairs, each computed in plain loops or by the engine on an
/// altered problem (Planted, Scipy), never by the readings under test.
@Suite struct SearchPrimitiveTests {
    @Test func weightGradientFromFlippedInput_isInputFlipped() throws {
        let p = Fixtures.convNet(padding: 0)
        let s = try Fixtures.solve(p)
        let dZ = s.backward.activationGradients[0]
        let flippedX = Tensor(
            shape: p.input.shape,
            data: (0..<p.input.count).map { k in
                let plane = 64
                let base = k / plane * plane
                return p.input.data[base + plane - 1 - k % plane]
            })
        let wrong = Planted.weightGradient(x: flippedX, dZ: dZ, kernel: 3, sh: 1, sw: 1, pad: 0)
        #expect(Fixtures.diagnose(s, "0.weight", wrong)?.code == DiagnosisCode.inputFlipped)
    }

    @Test func inputGradientFromFlippedUpstream_isUpstreamFlipped() throws {
        let p = Fixtures.convNet(padding: 1)
        let s = try Fixtures.solve(p)
        let dZ = s.backward.activationGradients[0]
        let flipped = Tensor(shape: dZ.shape, data: (0..<dZ.count).map { k in dZ.data[k / 64 * 64 + 63 - k % 64] })
        let wrong = try Planted.convBackward(p, gradOutput: flipped).inputGradient
        #expect(Fixtures.diagnose(s, "input", wrong)?.code == DiagnosisCode.upstreamFlipped)
    }

    @Test func correlatedSameWithEvenKernel_cutsTheOddRowAtTheStart() throws {
        let s = try Fixtures.solve(SearchDiagnosisTests.lessonLayer(kernel: 2, size: 6))
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
        let d = try #require(
            Fixtures.diagnose(s, "input", Tensor(shape: [3, 5, 5], data: planes.flatMap { $0.flatMap { $0 } })))
        #expect(d.causes == [DiagnosisCode.kernelFlipped, DiagnosisCode.paddingMode], "\(d)")
        #expect(d.message.contains("cut at the start"), "\(d.message)")
    }

    @Test func tanhPassedThrough_isChainBroken() throws {
        var rng = SplitMix64(seed: 4)
        let p = GradingProblem(
            layers: [Linear(weight: rng.tensor([3, 4]), bias: rng.tensor([3])), Tanh()],
            input: rng.tensor([2, 4]), seed: .gradOutput(rng.tensor([2, 3])))
        let s = try Fixtures.solve(p)
        #expect(Fixtures.diagnose(s, "0", s.backward.activationGradients[1])?.code == DiagnosisCode.chainBroken)
    }

    @Test func maxPoolTieToTheLastMaximum_isMaxpoolTieRouting() throws {
        // One 2x2 window per plane, all four equal: PyTorch routes to (0, 0), the mistake to (1, 1).
        let x = Tensor(shape: [1, 2, 2, 2], data: [1, 1, 1, 1, 2, 2, 2, 2])
        let p = GradingProblem(
            layers: [MaxPool2d(kernel: Pair(2))], input: x,
            seed: .gradOutput(Tensor(shape: [1, 2, 1, 1], data: [3, -5])))
        let s = try Fixtures.solve(p)
        let wrong = Tensor(shape: [1, 2, 2, 2], data: [0, 0, 0, 3, 0, 0, 0, -5])
        #expect(Fixtures.diagnose(s, "input", wrong)?.code == DiagnosisCode.maxpoolTieRouting)
    }

    @Test func weightGradientWithDilationOne_isDilationIgnored() throws {
        var rng = SplitMix64(seed: 12)
        let conv = Conv2d(weight: rng.tensor([2, 3, 3, 3]), bias: rng.tensor([2]), dilation: Pair(2))
        let p = GradingProblem(
            layers: [conv], input: rng.tensor([2, 3, 8, 8]), seed: .gradOutput(rng.tensor([2, 2, 4, 4])))
        let s = try Fixtures.solve(p)
        let wrong = Planted.weightGradient(
            x: p.input, dZ: s.backward.activationGradients[0], kernel: 3, sh: 1, sw: 1, pad: 0)
        #expect(Fixtures.diagnose(s, "0.weight", wrong)?.code == DiagnosisCode.dilationIgnored)
    }

    @Test func channelLastFlattenGradient_isAxesPermutedWithBothShapes() throws {
        let s = try Fixtures.solve(Fixtures.convNet())
        let g = try #require(s.expected(named: "2"))  // dL/d(max-pool output) [4, 2, 4, 4]
        let channelLast = g.permuted([0, 2, 3, 1])  // [4, 4, 4, 2]
        let d = try #require(Fixtures.diagnose(s, "2", channelLast))
        #expect(
            d.code == DiagnosisCode.axesPermuted && d.message.contains("[4, 4, 4, 2]")
                && d.message.contains("[4, 2, 4, 4]"), "\(d)")
        let flat = try #require(Fixtures.diagnose(s, "2", channelLast.reshaped([4, 32])))
        #expect(flat.causes == [DiagnosisCode.axesPermuted, DiagnosisCode.notReshaped], "\(flat)")
    }

    @Test func unpaddedInputGradientOneRowOff_isPaddingShifted() throws {
        let s = try Fixtures.solve(SearchDiagnosisTests.lessonLayer(kernel: 3))
        let g = try #require(s.expected(named: "input"))  // [3, 6, 6]
        var shifted = Tensor(shape: g.shape)
        for c in 0..<3 { for h in 0..<6 { for w in 0..<6 where h + 1 < 6 { shifted[[c, h, w]] = g[[c, h + 1, w]] } } }
        #expect(Fixtures.diagnose(s, "input", shifted)?.code == DiagnosisCode.paddingShifted)
    }
}
