import ConvEngine
import Foundation
import TestSupport
import Testing

@testable import Grading

/// gelu, dropout, softmax and log_softmax through grading: explain terms summing to the value, a
/// passing gradcheck, each layer's mistake planted and diagnosed, right answers never diagnosed.
@Suite struct CourseLayerGradingTests {
    /// linear 6 -> 5, then `layer`, then linear 5 -> 3 and cross entropy.
    static func network(_ layer: any GradedLayer, seed: UInt64 = 5) -> GradingProblem {
        var rng = SplitMix64(seed: seed)
        let first = Linear(weight: rng.tensor([5, 6]).scaled(2), bias: rng.tensor([5]))
        let last = Linear(weight: rng.tensor([3, 5]), bias: rng.tensor([3]))
        return GradingProblem(
            layers: [first, layer, last], input: rng.tensor([4, 6]),
            seed: .loss(LossSpec(kind: .crossEntropy, target: .classIndices([0, 2, 1, 2]))))
    }

    static var mask: Tensor {
        var rng = SplitMix64(seed: 21)
        return Tensor(shape: [4, 5], data: (0..<20).map { _ in rng.uniform() > -0.2 ? 1 : 0 })
    }

    static let layers: [(String, any GradedLayer)] = [
        ("gelu", GELU()), ("gelu tanh", GELU(approximate: .tanh)), ("dropout", Dropout(p: 0.4, mask: mask)),
        ("dropout eval", Dropout(p: 0.4, training: false)), ("softmax", Softmax()), ("log_softmax", LogSoftmax()),
        ("softmax dim 0", Softmax(dim: 0)),
    ]

    @Test(arguments: layers.indices) func explainTermsSumToTheValue_andGradcheckPasses(_ which: Int) throws {
        let (label, layer) = Self.layers[which]
        let s = try Fixtures.solve(Self.network(layer))
        try s.expectTermsSumToValue(["input", "0", "1"], label)
        let report = try s.gradcheck()
        #expect(report.passed, "\(label): \(report.results.map { "\($0.name) \($0.maxRelError)" })")
    }

    @Test func softmaxDiagonalOnly_isDiagnosed() throws {
        for layer in [Softmax() as any GradedLayer, LogSoftmax()] {
            let s = try Fixtures.solve(Self.network(layer))
            let y = s.backward.activations[1]
            let dY = s.backward.activationGradients[1]
            let isLog = layer is LogSoftmax
            let planted = Tensor(
                shape: y.shape,
                data: y.data.indices.map { j in
                    let p = isLog ? exp(y.data[j]) : y.data[j]
                    return dY.data[j] * (isLog ? 1 - p : p * (1 - p))
                })
            #expect(Fixtures.diagnose(s, "0", planted)?.code == .softmaxDiagonal, "\(layer.typeName)")
        }
    }

    @Test func dropoutScaleForgottenOrDoubled_isNamedAsTheDropoutFactor() throws {
        let s = try Fixtures.solve(Self.network(Dropout(p: 0.4, mask: Self.mask)))
        let dY = s.backward.activationGradients[1]
        for factor in [1.0, 1 / (0.6 * 0.6)] {
            let planted = Tensor(shape: dY.shape, data: zip(dY.data, Self.mask.data).map { $0 * $1 * factor })
            let diagnosis = Fixtures.diagnose(s, "0", planted)
            #expect(
                diagnosis?.code == .constantFactor && diagnosis?.message.contains("dropout layer") == true,
                "factor \(factor): \(String(describing: diagnosis))")
        }
    }

    @Test func geluWithoutTheProductRule_isDiagnosed() throws {
        let s = try Fixtures.solve(Self.network(GELU()))
        let x = s.backward.activations[0]
        let dY = s.backward.activationGradients[1]
        // Phi(x) = gelu(x) / x
        let phi = GELU().forward(x).data.enumerated().map { i, y in x.data[i] == 0 ? 0.5 : y / x.data[i] }
        let planted = Tensor(shape: x.shape, data: zip(phi, dY.data).map { $0 * $1 })
        #expect(Fixtures.diagnose(s, "0", planted)?.code == .geluProductRule)
    }

    @Test(arguments: layers.indices) func rightAnswersAndNoise_getNoDiagnosis(_ which: Int) throws {
        let (label, layer) = Self.layers[which]
        let s = try Fixtures.solve(Self.network(layer))
        var rng = SplitMix64(seed: 9)
        for name in ["input", "0.weight", "0", "1"] {
            let g = try #require(s.expected(named: name))
            #expect(Fixtures.diagnose(s, name, g) == nil, "\(label) \(name): right answer")
            let float32 = Tensor(shape: g.shape, data: g.data.map { Double(Float($0)) })
            #expect(Fixtures.diagnose(s, name, float32) == nil, "\(label) \(name): float32 rounding")
            #expect(Fixtures.diagnose(s, name, rng.tensor(g.shape)) == nil, "\(label) \(name): random")
        }
    }
}

/// layernorm and groupnorm: explain with the group's Jacobian, gradcheck, the statistics held constant.
@Suite struct GroupedNormGradingTests {
    static func network(_ layer: any GradedLayer) -> GradingProblem {
        var rng = SplitMix64(seed: 8)
        let conv = Conv2d(weight: rng.tensor([4, 2, 2, 2]), bias: rng.tensor([4]))
        let dense = Linear(weight: rng.tensor([3, 4 * 3 * 3]), bias: rng.tensor([3]))
        return GradingProblem(
            layers: [conv, layer, Flatten(), dense], input: rng.tensor([2, 2, 4, 4]),
            seed: .loss(LossSpec(kind: .crossEntropy, target: .classIndices([2, 0]))))
    }

    static let layers: [any GradedLayer] = [
        LayerNorm(
            normalizedShape: [3, 3], weight: Tensor(shape: [3, 3], data: (0..<9).map { 1 + Double($0) / 10 }),
            bias: Tensor(shape: [3, 3], repeating: 0.1)),
        GroupNorm(
            numGroups: 2, weight: Tensor(shape: [4], data: [1.5, 0.5, 1, 2]),
            bias: Tensor(shape: [4], data: [0, 0.1, 0.2, 0.3])),
        GroupNorm(numGroups: 4),
    ]

    @Test(arguments: layers.indices) func explainSumsGradcheckPassesAndMistakesAreFound(_ which: Int) throws {
        let layer = Self.layers[which]
        let s = try Fixtures.solve(Self.network(layer))
        try s.expectTermsSumToValue(["0"] + s.problem.gradientNames.filter { $0.hasPrefix("1.") }, layer.typeName)
        #expect(try s.gradcheck().passed)
        let x = s.backward.activations[0]
        let dY = s.backward.activationGradients[1]
        let stats: GroupedNormStatistics
        let groups: GroupLayout
        let weight: Tensor?
        if let norm = layer as? LayerNorm {
            (stats, groups, weight) = (norm.statistics(of: x), norm.layout(x.shape), norm.weight)
        } else {
            let norm = try #require(layer as? GroupNorm)
            (stats, groups, weight) = (norm.statistics(of: x), norm.layout(x.shape), norm.weight)
        }
        let constants = Tensor(
            shape: x.shape,
            data: (0..<x.count).map { i in
                dY.data[i] * (weight?.data[groups.affine(i)] ?? 1) * stats.invStd[i / groups.size]
            })
        #expect(Fixtures.diagnose(s, "0", constants)?.code == .normStatisticsConstant, "\(layer.typeName)")
        let right = try #require(s.expected(named: "0"))
        #expect(Fixtures.diagnose(s, "0", right) == nil)
    }
}

/// adaptive_avgpool2d and upsample: the linear map's terms sum to the value; gradcheck passes.
@Suite struct ResamplingGradingTests {
    static let layers: [any GradedLayer] = [
        AdaptiveAvgPool2d(outputSize: Pair(2, 3)), AdaptiveAvgPool2d(outputSize: Pair(1)), Upsample(scale: Pair(2, 1)),
        Upsample(scale: Pair(2), mode: .bilinear), Upsample(scale: Pair(2, 3), mode: .bilinear, alignCorners: true),
    ]

    @Test(arguments: layers.indices) func explainSumsAndGradcheckPasses(_ which: Int) throws {
        var rng = SplitMix64(seed: 12)
        let layer = Self.layers[which]
        let conv = Conv2d(weight: rng.tensor([2, 1, 2, 2]))
        let input = rng.tensor([2, 1, 4, 5])
        let features = try Network(layers: [conv, layer, Flatten()]).forward(input).output.shape[1]
        let problem = GradingProblem(
            layers: [conv, layer, Flatten(), Linear(weight: rng.tensor([3, features]))], input: input,
            seed: .loss(LossSpec(kind: .crossEntropy, target: .classIndices([1, 2]))))
        let s = try Fixtures.solve(problem)
        try s.expectTermsSumToValue(["0"], layer.typeName)
        #expect(try s.gradcheck().passed, "\(layer.typeName)")
        #expect(Fixtures.diagnose(s, "0", try #require(s.expected(named: "0"))) == nil)
    }
}

/// residual blocks: names compose, explain adds the skip term, gradcheck, the skip path forgotten.
@Suite struct ResidualGradingTests {
    static func network() -> GradingProblem {
        var rng = SplitMix64(seed: 31)
        let block = Residual(
            layers: [
                Conv2d(
                    weight: rng.tensor([2, 2, 3, 3]).scaled(0.5), bias: rng.tensor([2]), padding: .explicit(Pair(1))),
                ReLU(),
            ],
            names: ["conv", "relu"])
        let dense = Linear(weight: rng.tensor([3, 2 * 4 * 4]), bias: rng.tensor([3]))
        return GradingProblem(
            layers: [block, Flatten(), dense], input: rng.tensor([2, 2, 4, 4]),
            seed: .loss(LossSpec(kind: .crossEntropy, target: .classIndices([0, 2]))),
            layerNames: ["block", "flat", "fc"])
    }

    @Test func namesExplainGradcheckAndTheForgottenSkipPath() throws {
        let problem = Self.network()
        #expect(problem.gradientNames == ["input", "block.conv.weight", "block.conv.bias", "fc.weight", "fc.bias"])
        let s = try Fixtures.solve(problem)
        try s.expectTermsSumToValue(["input", "block.conv.weight", "block.conv.bias"])
        let input = try s.explain(of: "input", index: [0, 1, 2, 3])
        #expect(input.terms.first?.local.formula?.contains("skip") == true)
        #expect(try s.gradcheck().passed)
        let dX = s.backward.inputGradient
        let dY = s.backward.activationGradients[0]
        let noSkip = Tensor(shape: dX.shape, data: zip(dX.data, dY.data).map { $0 - $1 })
        #expect(Fixtures.diagnose(s, "input", noSkip)?.code == .residualSkipForgotten)
        #expect(Fixtures.diagnose(s, "input", try #require(s.expected(named: "input"))) == nil)
    }
}

/// conv_transpose2d: explain, gradcheck, the kernel flipped.
@Suite struct ConvTransposeGradingTests {
    @Test(arguments: [
        (Pair(2), Pair(0), Pair(0), 1), (Pair(2), Pair(1), Pair(1), 1), (Pair(1, 2), Pair(0), Pair(0), 2),
    ])
    func explainGradcheckAndTheFlippedKernel(_ stride: Pair, _ padding: Pair, _ outputPadding: Pair, _ groups: Int)
        throws
    {
        var rng = SplitMix64(seed: 19)
        let layer = ConvTranspose2d(
            weight: rng.tensor([2, 2 / groups * 2, 3, 3]), bias: rng.tensor([4 / groups * groups]), stride: stride,
            padding: padding,
            outputPadding: outputPadding, groups: groups)
        let input = rng.tensor([2, 2, 3, 3])
        let features = try Network(layers: [layer, Flatten()]).forward(input).output.shape[1]
        let problem = GradingProblem(
            layers: [layer, Flatten(), Linear(weight: rng.tensor([3, features]))], input: input,
            seed: .loss(LossSpec(kind: .crossEntropy, target: .classIndices([1, 0]))))
        let s = try Fixtures.solve(problem)
        try s.expectTermsSumToValue(["input", "0.weight", "0.bias"])
        #expect(try s.gradcheck().passed)
        var flipped = layer
        flipped.weight = layer.weight.rotated180()
        let g = try flipped.geometry(inputShape: input.shape, LayerContext(index: 0, type: "conv_transpose2d"))
        let wrong = flipped.backward(s.backward.activationGradients[0], input: input, output: input, saved: g).input
        #expect(Fixtures.diagnose(s, "input", wrong)?.code == .transposedKernelFlipped)
        #expect(Fixtures.diagnose(s, "input", try #require(s.expected(named: "input"))) == nil)
    }
}

/// conv1d: explain, gradcheck, the kernel reversed.
@Suite struct Conv1dGradingTests {
    @Test(arguments: [
        (1, ConvPadding.explicit(Pair(1)), 1, PaddingMode.zeros), (2, .same, 1, .reflect), (1, .valid, 2, .zeros),
    ])
    func explainGradcheckAndTheReversedKernel(_ stride: Int, _ padding: ConvPadding, _ groups: Int, _ mode: PaddingMode)
        throws
    {
        var rng = SplitMix64(seed: 23)
        let layer = Conv1d(
            weight: rng.tensor([4, 4 / groups, 3]), bias: rng.tensor([4]),
            stride: stride == 2 && padding == .same ? 1 : stride,
            padding: padding, groups: groups, paddingMode: mode)
        let input = rng.tensor([2, 4, 8])
        let features = try Network(layers: [layer, Flatten()]).forward(input).output.shape[1]
        let problem = GradingProblem(
            layers: [layer, Flatten(), Linear(weight: rng.tensor([3, features]))], input: input,
            seed: .loss(LossSpec(kind: .crossEntropy, target: .classIndices([2, 1]))))
        let s = try Fixtures.solve(problem)
        try s.expectTermsSumToValue(["input", "0.weight", "0.bias"])
        #expect(try s.gradcheck().passed)
        var reversed = layer
        reversed.conv.spec.weight = layer.conv.spec.weight.rotated180()
        let (_, plan) = try reversed.forward(input, LayerContext(index: 0, type: "conv1d"))
        let wrong = reversed.backward(s.backward.activationGradients[0], input: input, output: input, saved: plan).input
        #expect(Fixtures.diagnose(s, "input", wrong)?.code == .kernelFlipped)
    }
}
