import Testing

@testable import ConvEngine

/// Random problems, most of them invalid (zero, negative and huge hyperparameters, mismatched
/// shapes): the engine must answer each with a result or an `EngineError`, never a trap. A trap
/// would end the test process, so reaching the expectations is the test.
@Suite struct RobustnessTests {
    static let awkward = [-2, -1, 0, 1, 1, 2, 3, 5, 1 << 20, Int.max / 3, Int.max]

    static func awkwardPair(_ rng: inout CaseGenerator) -> Pair {
        Pair(awkward.randomElement(using: &rng)!, rng.bool() ? awkward.randomElement(using: &rng)! : rng.int(1...3))
    }

    static func randomLayer(_ rng: inout CaseGenerator) -> any Layer {
        switch rng.int(0...5) {
        case 0:
            let padding: ConvPadding = [.valid, .same, .explicit(awkwardPair(&rng)), .explicit(Pair(1))].randomElement(
                using: &rng)!
            return Conv2d(
                weight: rng.tensor([rng.int(1...3), rng.int(1...3), rng.int(1...4), rng.int(1...4)]),
                bias: rng.bool() ? rng.tensor([rng.int(1...3)]) : nil, stride: rng.bool() ? Pair(1) : awkwardPair(&rng),
                padding: padding, dilation: rng.bool() ? Pair(1) : awkwardPair(&rng),
                groups: [1, 1, 2, 3, 0, -1].randomElement(using: &rng)!,
                paddingMode: PaddingMode.allCases.randomElement(using: &rng)!)
        case 1:
            return MaxPool2d(
                kernel: rng.bool() ? Pair(rng.int(1...3)) : awkwardPair(&rng),
                stride: rng.bool() ? nil : awkwardPair(&rng),
                padding: rng.bool() ? Pair(rng.int(0...1)) : awkwardPair(&rng),
                dilation: rng.bool() ? Pair(1) : awkwardPair(&rng), ceilMode: rng.bool())
        case 2:
            return AvgPool2d(
                kernel: rng.bool() ? Pair(rng.int(1...3)) : awkwardPair(&rng),
                stride: rng.bool() ? nil : awkwardPair(&rng),
                padding: rng.bool() ? Pair(rng.int(0...1)) : awkwardPair(&rng), ceilMode: rng.bool(),
                countIncludePad: rng.bool())
        case 3:
            return Linear(
                weight: rng.tensor([rng.int(1...3), rng.int(1...20)]),
                bias: rng.bool() ? rng.tensor([rng.int(1...3)]) : nil)
        case 4:
            return Flatten()
        default:
            return [ReLU(), Sigmoid(), Tanh(), LeakyReLU(negativeSlope: 0.1)].randomElement(using: &rng)!
        }
    }

    static func randomLoss(_ rng: inout CaseGenerator, outputShape: [Int]) -> LossSpec {
        let kinds: [LossKind] = [.mse, .l1, .smoothL1(beta: -1), .huber(delta: 0), .crossEntropy, .nll, .bceWithLogits]
        let kind = kinds.randomElement(using: &rng)!
        let target: LossTarget
        switch rng.int(0...3) {
        case 0: target = .values(rng.tensor(outputShape, in: -0.5...1.5))
        case 1: target = .values(rng.tensor(Array(outputShape.dropFirst(rng.int(0...outputShape.count)))))
        case 2: target = .classIndices((0..<rng.int(0...3)).map { _ in rng.int(-1...4) })
        default: target = .values(Tensor(scalar: Double(rng.int(-1...4)) + (rng.bool() ? 0 : 0.5)))
        }
        return LossSpec(kind: kind, reduction: rng.bool() ? .mean : .sum, target: target)
    }

    @Test func randomProblemsNeverTrap() {
        var rng = CaseGenerator(seed: 41)
        var (succeeded, refused) = (0, 0)
        for _ in 0..<400 {
            let network = Network(layers: (0..<rng.int(1...3)).map { _ in Self.randomLayer(&rng) })
            let rank = rng.int(1...5)
            let input = rng.tensor((0..<rank).map { _ in rng.int(1...6) })
            do {
                let forward = try network.forward(input)
                let loss = Self.randomLoss(&rng, outputShape: forward.output.shape)
                _ = try network.backward(
                    input, seed: rng.bool() ? .loss(loss) : .gradOutput(rng.tensor(forward.output.shape)))
                succeeded += 1
            } catch is EngineError {
                refused += 1
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
        #expect(succeeded + refused == 400)
        #expect(succeeded > 20, "the generator should produce some valid problems (\(succeeded))")
        #expect(refused > 20, "the generator should produce some invalid problems (\(refused))")
    }
}
