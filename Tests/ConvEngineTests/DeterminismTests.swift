import Dispatch
import Testing

@testable import ConvEngine

/// The same problem gives the same bits every time, however the batch is spread over threads.
@Suite struct DeterminismTests {
    static func problem() -> (Network, Tensor, LossSpec) {
        var rng = CaseGenerator(seed: 31)
        let network = Network(layers: [
            Conv2d(weight: rng.tensor([6, 3, 3, 3]), bias: rng.tensor([6]), padding: .explicit(Pair(1))),
            ReLU(),
            Conv2d(weight: rng.tensor([6, 2, 3, 3]), stride: Pair(2), groups: 3, paddingMode: .zeros),
            Flatten(),
            Linear(weight: rng.tensor([5, 6 * 5 * 5]), bias: rng.tensor([5])),
        ])
        // 11 batch elements: more than the weight-gradient chunks, not a multiple of them.
        let x = rng.tensor([11, 3, 11, 11])
        let loss = LossSpec(kind: .crossEntropy, target: .classIndices((0..<11).map { $0 % 5 }))
        return (network, x, loss)
    }

    static func bits(_ r: BackwardResult) -> [[UInt64]] {
        let tensors =
            [r.output, r.inputGradient] + r.activationGradients
            + r.parameterGradients.flatMap { [$0.weight, $0.bias].compactMap { $0 } }
        return tensors.map { $0.data.map(\.bitPattern) } + [[r.loss!.bitPattern]]
    }

    @Test func backwardTwiceGivesIdenticalBits() throws {
        let (network, x, loss) = Self.problem()
        let first = Self.bits(try network.backward(x, seed: .loss(loss)))
        let second = Self.bits(try network.backward(x, seed: .loss(loss)))
        #expect(first == second)
    }

    /// Four runs at once, competing for the two cores, against one run alone.
    @Test func concurrentRunsGiveIdenticalBits() throws {
        let (network, x, loss) = Self.problem()
        let alone = Self.bits(try network.backward(x, seed: .loss(loss)))
        let results = ResultBox(count: 4)
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            results.set(i, (try? network.backward(x, seed: .loss(loss))).map(Self.bits))
        }
        for i in 0..<4 { #expect(results.get(i) == alone, "run \(i)") }
    }
}

/// Results written by concurrent test runs; a lock guards the array.
final class ResultBox: @unchecked Sendable {
    private var values: [[[UInt64]]?]
    private let lock = DispatchSemaphore(value: 1)

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: [[UInt64]]?) {
        lock.wait()
        values[i] = value
        lock.signal()
    }

    func get(_ i: Int) -> [[UInt64]]? {
        lock.wait()
        defer { lock.signal() }
        return values[i]
    }
}
