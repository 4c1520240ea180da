import ConvEngine
import TestSupport
import Testing

@testable import Grading

@Suite struct ExplainTests {
    /// Every layer type: grouped reflect-padded conv, leaky ReLU, overlapping max-pool, ceil-mode
    /// average pool, sigmoid, dilated zero-padded conv, tanh, ReLU, flatten, linear, cross entropy.
    static func everyLayer() -> GradingProblem {
        var rng = SplitMix64(seed: 11)
        let conv1 = Conv2d(
            weight: rng.tensor([4, 1, 3, 3]), bias: rng.tensor([4]), padding: .explicit(Pair(1)),
            groups: 2, paddingMode: .reflect)
        let conv2 = Conv2d(
            weight: rng.tensor([2, 4, 2, 2]), bias: rng.tensor([2]), stride: Pair(1, 2),
            padding: .explicit(Pair(2, 1)), dilation: Pair(2, 1))
        let layers: [any GradedLayer] = [
            conv1, LeakyReLU(negativeSlope: 0.1), MaxPool2d(kernel: Pair(2), stride: Pair(1)),
            AvgPool2d(kernel: Pair(2), stride: Pair(2), padding: Pair(1), ceilMode: true, countIncludePad: false),
            Sigmoid(), conv2, Tanh(), ReLU(), Flatten(),
        ]
        let input = rng.tensor([2, 2, 6, 6])
        let flat = try! Network(layers: layers).forward(input).output.shape[1]
        return GradingProblem(
            layers: layers + [Linear(weight: rng.tensor([3, flat]), bias: rng.tensor([3]))],
            input: input, seed: .loss(LossSpec(kind: .crossEntropy, target: .classIndices([2, 0]))))
    }

    /// The terms of every explained element sum to its value, for every gradient and layer name.
    @Test(arguments: [0, 1, 2]) func termsSumToTheValue_forEveryLayerType(_ which: Int) throws {
        let problem = [
            Self.everyLayer(), Fixtures.convNet(stride: Pair(2, 1), padding: 2, mode: .circular), Fixtures.lesson(),
        ][which]
        let s = try Fixtures.solve(problem)
        for name in problem.gradientNames + problem.layerNames {
            let g = try #require(s.expected(named: name))
            for flat in Set([0, g.count / 3, g.count / 2, g.count - 1]) {
                let index = TensorIndex.unravel(flat, g.shape)
                let e = try s.explain(of: name, index: index)
                let sum = e.terms.reduce(0) { $0 + $1.product }
                let scale = max(1, e.terms.reduce(0) { $0 + abs($1.product) })
                #expect(abs(sum - e.value) <= 1e-12 * scale, "\(name)\(index): terms sum to \(sum), value \(e.value)")
                #expect(e.value == g.data[flat])
                #expect(e.index == index)
                for term in e.terms { #expect(term.product == term.upstream.value * term.local.value) }
            }
        }
    }

    @Test func lessonWeight_readsLikeTheBoard() throws {
        let s = try Fixtures.solve(Fixtures.lesson())
        let e = try s.explain(of: "0.weight", index: [0, 0])
        #expect(e.formula == "dL/dW[0,0] = sum over n,i,j of dL/dZ[n,0,i,j] * X[n,0,2i+0,2j+0]")
        #expect(e.board == "dL/dw1 = dL/dz1*x1 + dL/dz2*x3 + dL/dz3*x9 + dL/dz4*x11")
        // By hand: z = -4.5 everywhere, y_hat = -4.5, dL/dy_hat = 2 (-4.5 - 1) = -11,
        // dL/dz = -11 * [0.1, 0.2, 0.3, 0.4], dL/dw1 = -1.1*1 - 2.2*3 - 3.3*9 - 4.4*11 = -85.8.
        #expect(abs(e.value - -85.8) < 1e-12)
        #expect(e.terms.map(\.local.index) == [[0, 0], [0, 2], [2, 0], [2, 2]])
        #expect(e.terms.map(\.local.of) == ["input", "input", "input", "input"])
        #expect(e.terms.map(\.upstream.index) == [[0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0], [0, 0, 1, 1]])
        let expectedUpstream = [-1.1, -2.2, -3.3, -4.4]
        for (term, up) in zip(e.terms, expectedUpstream) { #expect(abs(term.upstream.value - up) < 1e-12) }
    }

    @Test func lessonLastLayer_upstreamIsTheLossDerivative() throws {
        let s = try Fixtures.solve(Fixtures.lesson())
        let e = try s.explain(of: "2", index: [0, 0])
        #expect(e.terms.count == 1)
        #expect(e.terms[0].upstream.of == "loss")
        #expect(e.terms[0].upstream.formula == "2 * (y_hat - y) / n = 2 * (-4.5 - 1.0) / 1")
        #expect(abs(e.value - -11) < 1e-12)
    }

    @Test func lessonInputAndBias_nameTheirFactors() throws {
        let s = try Fixtures.solve(Fixtures.lesson())
        let input = try s.explain(of: "input", index: [1, 1])
        #expect(input.terms.count == 1)
        #expect(input.terms[0].local == ExplainFactor(of: "0.weight", index: [1, 1], value: -1))
        #expect(input.terms[0].upstream.index == [0, 0, 0, 0])
        let bias = try s.explain(of: "0.bias", index: [0])
        #expect(bias.terms.count == 4 && bias.terms.allSatisfy { $0.local.of == "constant" && $0.local.value == 1 })
        #expect(bias.board == "dL/db1 = dL/dz1 + dL/dz2 + dL/dz3 + dL/dz4")
        let dense = try s.explain(of: "1", index: [0, 2])
        #expect(dense.terms.count == 1 && dense.terms[0].local.of == "2.weight" && dense.terms[0].local.value == 0.3)
    }

    @Test func zeroPaddingFactors_areFlaggedWithValueZero() throws {
        let s = try Fixtures.solve(Fixtures.convNet(padding: 1))
        let e = try s.explain(of: "0.weight", index: [0, 0, 0, 0])
        let padded = e.terms.filter(\.local.padding)
        // kernel row 0 / column 0 reads row -1 for i = 0 and column -1 for j = 0: 4 samples x 15 positions.
        #expect(padded.count == 4 * 15)
        #expect(padded.allSatisfy { $0.local.value == 0 && $0.product == 0 })
        #expect(e.formula.contains("X[n,0,i-1,j-1]"))
    }

    @Test func reflectPaddingFactors_nameTheCopiedElement() throws {
        let s = try Fixtures.solve(Fixtures.convNet(padding: 1, mode: .reflect))
        let e = try s.explain(of: "0.weight", index: [0, 0, 0, 0])
        let first = try #require(e.terms.first)
        // output (0, 0) with kernel (0, 0) reads padded (-1, -1), which reflects to input (1, 1).
        #expect(first.local.padding && first.local.index == [0, 0, 1, 1])
        #expect(first.local.value == s.problem.input[[0, 0, 1, 1]])
    }

    @Test func unknownNameOrIndex_throwsWithField() throws {
        let s = try Fixtures.solve(Fixtures.lesson())
        #expect(throws: ExplainError.self) { try s.explain(of: "9.weight", index: [0]) }
        do {
            _ = try s.explain(of: "0.weight", index: [2, 0])
            Issue.record("expected an error")
        } catch { #expect(error.field == "index") }
    }
}
