import ConvEngine
import TestSupport
import Testing

@testable import Grading

extension SplitMix64 {
    /// A tensor of `shape` with elements uniform in [-1, 1).
    mutating func tensor(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in uniform() })
    }
}

enum Fixtures {
    /// The lesson's worked example: 4x4 image 1..16, kernel [[1, 0], [0, -1]], bias 0.5, stride 2,
    /// flatten to z1..z4, dense 4 -> 1 with weight [0.1, 0.2, 0.3, 0.4], mse against 1.
    static func lesson() -> GradingProblem {
        let conv = Conv2d(
            weight: Tensor(shape: [1, 1, 2, 2], data: [1, 0, 0, -1]),
            bias: Tensor(shape: [1], data: [0.5]), stride: Pair(2))
        let dense = Linear(
            weight: Tensor(shape: [1, 4], data: [0.1, 0.2, 0.3, 0.4]), bias: Tensor(shape: [1], data: [0]))
        return GradingProblem(
            layers: [conv, Flatten(), dense],
            input: Tensor(shape: [1, 1, 4, 4], data: (1...16).map(Double.init)),
            seed: .loss(LossSpec(kind: .mse, target: .values(Tensor(shape: [1, 1], data: [1])))),
            writtenShapes: ["input": [4, 4], "0.weight": [2, 2], "0.bias": [1], "2.weight": [1, 4], "2.bias": [1]])
    }

    /// conv (3 -> 2 channels, 3x3, given stride and padding) -> relu -> maxpool 2 -> flatten ->
    /// linear -> cross entropy, batch 4: the MNIST shape in miniature.
    static func convNet(
        stride: Pair = Pair(1), padding: Int = 1, mode: PaddingMode = .zeros, batch: Int = 4, size: Int = 8,
        seed: UInt64 = 1
    ) -> GradingProblem {
        var rng = SplitMix64(seed: seed)
        let conv = Conv2d(
            weight: rng.tensor([2, 3, 3, 3]), bias: rng.tensor([2]), stride: stride,
            padding: .explicit(Pair(padding)), paddingMode: mode)
        let input = rng.tensor([batch, 3, size, size])
        let convOut = ConvGeometry(spec: conv.spec, inputShape: input.shape)
        let features = 2 * (convOut.outH / 2) * (convOut.outW / 2)
        let dense = Linear(weight: rng.tensor([3, features]), bias: rng.tensor([3]))
        return GradingProblem(
            layers: [conv, ReLU(), MaxPool2d(kernel: Pair(2)), Flatten(), dense],
            input: input,
            seed: .loss(LossSpec(kind: .crossEntropy, target: .classIndices((0..<batch).map { $0 % 3 }))))
    }

    /// A dense net: linear 5 -> 3 (bias) -> mse against a [N, 3] target, batch 4.
    static func denseNet(batch: Int = 4, seed: UInt64 = 2) -> GradingProblem {
        var rng = SplitMix64(seed: seed)
        let dense = Linear(weight: rng.tensor([3, 5]), bias: rng.tensor([3]))
        return GradingProblem(
            layers: [dense], input: rng.tensor([batch, 5]),
            seed: .loss(LossSpec(kind: .mse, target: .values(rng.tensor([batch, 3])))))
    }

    static func solve(_ problem: GradingProblem) throws -> Solution { try Solution(problem: problem) }

    /// The diagnosis `submitted` gets as gradient `name`.
    static func diagnose(_ solution: Solution, _ name: String, _ submitted: Tensor, hidden: Bool = false) -> Diagnosis?
    {
        Grader(solution: solution, options: GradingOptions(hidden: hidden)).grade(name: name, submitted: submitted)?
            .diagnosis
    }
}

extension Tensor {
    func scaled(_ c: Double) -> Tensor { Tensor(shape: shape, data: data.map { $0 * c }) }
}

extension Solution {
    /// Explains the first, middle and last element of each of `names` and expects every explanation's
    /// term products to sum to its value (to 1e-12 of the sum of their magnitudes).
    func expectTermsSumToValue(
        _ names: [String], _ label: String = "", sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        for name in names {
            let g = try #require(expected(named: name), sourceLocation: sourceLocation)
            for flat in Set([0, g.count / 2, g.count - 1]) {
                let e = try explain(of: name, index: TensorIndex.unravel(flat, g.shape))
                let sum = e.terms.reduce(0) { $0 + $1.product }
                let scale = max(1e-300, e.terms.reduce(0) { $0 + abs($1.product) })
                #expect(
                    abs(sum - e.value) <= 1e-12 * scale,
                    "\(label) \(name)[\(flat)]: terms sum to \(sum), value \(e.value)",
                    sourceLocation: sourceLocation)
            }
        }
    }
}
