import Foundation
import TestSupport
import Testing

@testable import GradAPI

/// Nothing a client sends may produce a 500 or a crash: every conformance request, bent in ways a
/// client gets wrong (bad sizes, wrong shapes, misplaced layers), is answered 200, 413 or 422 with JSON.
@Suite struct RobustnessTests {
    static let client = APIClient(APIConfiguration(maxTensorElements: 200_000, maxWork: 50_000_000))

    /// Replaces a member of a layer, of the loss, or of the problem; or inserts/removes layers.
    enum Mutation: CaseIterable {
        case layerField, layerWeight, insertLayer, removeLayer, lossTarget, lossType, gradOutput, inputShape

        func apply(to request: inout [String: Any], random: inout SplitMix64) {
            var layers = request["layers"] as? [[String: Any]] ?? []
            switch self {
            case .layerField where !layers.isEmpty:
                let k = random.index(layers.count)
                let field = random.pick([
                    "stride", "padding", "dilation", "groups", "kernel_size", "ceil_mode", "padding_mode",
                    "negative_slope",
                ])
                layers[k][field] = random.pick(Self.oddValues)
            case .layerWeight where !layers.isEmpty:
                let k = random.index(layers.count)
                layers[k][random.pick(["weight", "bias"])] = random.pick(Self.oddTensors)
            case .insertLayer:
                layers.insert(random.pick(Self.oddLayers), at: random.index(layers.count + 1))
            case .removeLayer where layers.count > 1:
                layers.remove(at: random.index(layers.count))
            case .lossTarget:
                request["loss"] = ["type": random.pick(Self.lossTypes), "target": random.pick(Self.oddTensors)]
            case .lossType:
                if var loss = request["loss"] as? [String: Any] {
                    loss["type"] = random.pick(Self.lossTypes)
                    request["loss"] = loss
                }
            case .gradOutput:
                request.removeValue(forKey: "loss")
                request["grad_output"] = random.pick(Self.oddTensors)
            case .inputShape:
                request[request["images"] != nil ? "images" : "input"] = random.pick(Self.oddTensors)
            default:
                request["tensor_format"] = random.pick(["flat", "base64", "nested"])
            }
            if request["layers"] != nil { request["layers"] = layers }
        }

        static var oddValues: [Any] {
            [
                0, -1, 1_000_000, 3.5, [0, 1], [1, 2, 3], "same", "valid", "reflect", "circular", 100, 7, true, [Int](),
                1e30,
            ]
        }
        static var oddTensors: [Any] {
            [
                [[1.0]], [1.0, 2.0], 0.5, 3, [[[[1.0, 2.0], [3.0, 4.0]]]], [[[1.0], [2.0]]],
                ["shape": [2, 2], "data": [1, 2, 3, 4]],
                Array(repeating: [Double](repeating: 0.25, count: 9), count: 9), [[1e300, -1e300]], [1, 0, 2],
            ]
        }
        static var oddLayers: [[String: Any]] {
            [
                ["type": "flatten"], ["type": "linear", "weight": [[1, 2], [3, 4]]],
                ["type": "conv2d", "weight": [[1, 1], [1, 1]], "padding": "same"],
                ["type": "maxpool2d", "kernel_size": 3, "padding": 1, "ceil_mode": true],
                ["type": "avgpool2d", "kernel_size": 50],
                ["type": "conv2d", "weight": [[[[1.0]]], [[[2.0]]]], "groups": 2],
                ["type": "conv2d", "weight": [[1, 2, 3]], "padding": 2, "padding_mode": "reflect"],
                ["type": "relu"], ["type": "leaky_relu", "negative_slope": -2],
                ["type": "conv2d", "weight": [[1]], "stride": 2, "padding": "same"],
                ["type": "maxpool2d", "kernel_size": 2, "padding": 2],
            ]
        }
        static let lossTypes = ["mse", "l1", "smooth_l1", "huber", "cross_entropy", "nll", "bce_with_logits"]
    }

    @Test func bentRequestsNeverCrashOrFail500() throws {
        // GRADAPI_FUZZ_ROUNDS and GRADAPI_FUZZ_SEED widen the search by hand; the defaults keep the suite fast.
        let environment = ProcessInfo.processInfo.environment
        let rounds = environment["GRADAPI_FUZZ_ROUNDS"].flatMap { Int($0) } ?? 6
        var random = SplitMix64(seed: environment["GRADAPI_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED)
        var statuses: [Int: Int] = [:]
        for vector in ConformanceVector.all where vector.body.count < 20_000 {
            guard let original = try? FoundationJSON.object(vector.body) else { continue }
            for _ in 0..<rounds {
                var request = original
                for _ in 0...random.index(2) { random.pick(Mutation.allCases).apply(to: &request, random: &random) }
                let body = try JSONSerialization.data(withJSONObject: request)
                let endpoint = random.pick(["/forward", "/backward"])
                let response = try Self.client.send("POST", endpoint, body: Array(body))
                statuses[response.status.code, default: 0] += 1
                if environment["GRADAPI_FUZZ_PRINT"] != nil, response.status != 200 { print("FUZZ", response.text) }
                #expect(
                    [200, 413, 422].contains(response.status),
                    "\(vector.name) \(endpoint) \(String(decoding: Array(body), as: UTF8.self)): \(response.text)")
                #expect(
                    (try? FoundationJSON.object(response.body)) != nil, "\(vector.name): not JSON: \(response.text)")
            }
        }
        // Both outcomes occur, so the mutations neither all pass nor all fail.
        print("RobustnessTests: statuses \(statuses.sorted { $0.key < $1.key })")
        #expect((statuses[200] ?? 0) > 50 && (statuses[422] ?? 0) > 50, "\(statuses)")
    }
}
