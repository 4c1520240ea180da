import Dispatch
import Testing

@testable import ConvEngine

/// Loss targets and grad_output: the leading-1s rule, class indices, bce's [0, 1] targets.
@Suite struct LossValidationTests {
    static func evaluate(_ kind: LossKind, _ target: LossTarget, output: [Int]) -> Result<Double, EngineError> {
        Result {
            try LossSpec(kind: kind, target: target).evaluate(output: Tensor(shape: output, repeating: 0.25)).loss
        }
        .mapError { $0 as! EngineError }
    }

    static func expectFailure(
        _ r: Result<Double, EngineError>, code: String, field: String?, mentions: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        ValidationTests.expectError(
            try? { () throws -> EngineError? in
                if case .failure(let e) = r { return e }
                return nil
            }() ?? nil, code: code, site: .loss(field: field), mentions: mentions, sourceLocation: sourceLocation)
    }

    @Test func targetMayLeaveOutLeadingOnesOnly() throws {
        let values = Tensor(shape: [4, 4], repeating: 1)
        #expect(try Self.evaluate(.mse, .values(values), output: [1, 1, 4, 4]).get() == 0.5625)
        #expect(try Self.evaluate(.mse, .values(Tensor(scalar: 0.25)), output: [1, 1]).get() == 0)
        Self.expectFailure(
            Self.evaluate(.mse, .values(Tensor(shape: [3])), output: [2, 3]), code: "shape_mismatch",
            field: "target", mentions: ["[3]", "[2, 3]"])
        Self.expectFailure(
            Self.evaluate(.l1, .values(Tensor(shape: [1, 2, 3])), output: [2, 3]), code: "shape_mismatch",
            field: "target", mentions: ["[1, 2, 3]", "[2, 3]"])
    }

    @Test func classIndexOutOfRangeOrNotIntegral() {
        Self.expectFailure(
            Self.evaluate(.crossEntropy, .classIndices([0, 3]), output: [2, 3]), code: "invalid_value",
            field: "target", mentions: ["3", "[0, 3)"])
        Self.expectFailure(
            Self.evaluate(.nll, .values(Tensor(shape: [2], data: [0, -1])), output: [2, 3]), code: "invalid_value",
            field: "target", mentions: ["-1"])
        Self.expectFailure(
            Self.evaluate(.crossEntropy, .values(Tensor(shape: [2], data: [0, 1.5])), output: [2, 3]),
            code: "invalid_value", field: "target", mentions: ["1.5", "integer"])
    }

    @Test func classTargetShapes() throws {
        // N = 1: a bare index, an index list [1], or probabilities [K].
        #expect(throws: Never.self) {
            try Self.evaluate(.crossEntropy, .values(Tensor(scalar: 2)), output: [1, 3]).get()
        }
        #expect(throws: Never.self) {
            try Self.evaluate(.crossEntropy, .values(Tensor(shape: [3], data: [0.2, 0.3, 0.5])), output: [1, 3]).get()
        }
        Self.expectFailure(
            Self.evaluate(.crossEntropy, .values(Tensor(shape: [2, 4])), output: [2, 3]), code: "shape_mismatch",
            field: "target", mentions: ["[2, 4]", "[2, 3]", "probabilities"])
        Self.expectFailure(
            Self.evaluate(.nll, .values(Tensor(shape: [2, 3])), output: [2, 3]), code: "shape_mismatch",
            field: "target", mentions: ["[2, 3]", "class indices [2]"])
        Self.expectFailure(
            Self.evaluate(.crossEntropy, .classIndices([0]), output: [1, 2, 2, 2]), code: "shape_mismatch",
            field: nil, mentions: ["[N, K]", "[1, 2, 2, 2]"])
        Self.expectFailure(
            Self.evaluate(.mse, .classIndices([0]), output: [1, 1]), code: "invalid_value", field: "target",
            mentions: ["mse"])
    }

    @Test func bceTargetsOutsideZeroOne() {
        Self.expectFailure(
            Self.evaluate(.bceWithLogits, .values(Tensor(shape: [2], data: [0.5, 1.2])), output: [1, 2]),
            code: "invalid_value", field: "target", mentions: ["[0, 1]", "1.2"])
    }

    @Test func lossParameters() {
        Self.expectFailure(
            Self.evaluate(.huber(delta: 0), .values(Tensor(shape: [1, 2])), output: [1, 2]), code: "invalid_value",
            field: "delta", mentions: ["delta"])
        Self.expectFailure(
            Self.evaluate(.smoothL1(beta: -1), .values(Tensor(shape: [1, 2])), output: [1, 2]), code: "invalid_value",
            field: "beta", mentions: ["beta"])
    }

    @Test func gradOutputFollowsTheLeadingOnesRule() throws {
        let network = Network(layers: [ReLU()])
        let x = Tensor(shape: [1, 1, 2, 2], data: [1, -1, 2, 0])
        let r = try network.backward(x, seed: .gradOutput(Tensor(shape: [2, 2], data: [1, 2, 3, 4])))
        #expect(r.inputGradient == Tensor(shape: [1, 1, 2, 2], data: [1, 0, 3, 0]))
        do {
            _ = try network.backward(x, seed: .gradOutput(Tensor(shape: [4])))
            Issue.record("no error for grad_output [4]")
        } catch let e as EngineError {
            ValidationTests.expectError(
                e, code: "shape_mismatch", site: .gradOutput, mentions: ["[4]", "[1, 1, 2, 2]"])
        }
    }
}

/// A bad target or grad_output is refused before any layer runs (the cancellation check, called
/// before each layer, is never reached).
@Test func badSeedIsRefusedBeforeComputing() {
    let calls = CallCounter()
    let network = Network(layers: [ReLU(), Flatten()])
    let x = Tensor(shape: [2, 3, 2, 2])
    let badLoss = LossSpec(kind: .mse, target: .values(Tensor(shape: [2, 11])))
    #expect(throws: EngineError.self) { try network.backward(x, seed: .loss(badLoss), cancel: { calls.tick() }) }
    #expect(throws: EngineError.self) {
        try network.backward(x, seed: .gradOutput(Tensor(shape: [12])), cancel: { calls.tick() })
    }
    #expect(throws: EngineError.self) { try network.forward(x, loss: badLoss, cancel: { calls.tick() }) }
    #expect(calls.count == 0)
}

/// Counts calls from any thread; a lock guards the count.
final class CallCounter: @unchecked Sendable {
    private var calls = 0
    private let lock = DispatchSemaphore(value: 1)

    func tick() -> Bool {
        lock.wait()
        calls += 1
        lock.signal()
        return false
    }

    var count: Int {
        lock.wait()
        defer { lock.signal() }
        return calls
    }
}
