import Foundation
import Testing

@testable import ConvEngine

/// Every PyTorch reference vector (Tests/Fixtures/conformance, README there) checked at the engine
/// level: output, loss, gradients in their written shapes, activations and activation gradients,
/// with the README's tolerance. Encoding-only aspects (response formats) are the API's concern;
/// their numbers are checked here all the same.
@Suite struct ConformanceTests {
    static let vectorsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/conformance/vectors")

    static func vectorFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: vectorsDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test func allVectorsArePresent() {
        #expect(Self.vectorFiles().count == 239)  // the contract's 192 and make_vectors.py's 47
    }

    @Test(arguments: vectorFiles())
    func vectorMatchesPyTorch(_ file: String) throws {
        let bytes = try Data(contentsOf: Self.vectorsDirectory.appendingPathComponent(file))
        let vector = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        let request = try #require(vector["request"] as? [String: Any])
        let expected = try #require(vector["expected"] as? [String: Any])
        let name = vector["name"] as? String ?? file
        let problem = try ProblemTranslator.translate(request)
        if vector["endpoint"] as? String == "/backward" {
            try checkBackward(problem, expected, request, name)
        } else {
            try checkForward(problem, expected, name)
        }
    }

    private func checkForward(_ problem: TranslatedProblem, _ expected: [String: Any], _ name: String) throws {
        let result = try problem.network.forward(problem.input, loss: problem.loss)
        try compareCommon(result.output, result.loss, result.activations, problem, expected, name)
        compareBuffers(result.buffers, expected, problem, name)
    }

    /// `buffers`: `"<layer>.<buffer>"` -> the updated tensor; none expected means none returned.
    private func compareBuffers(
        _ got: [[NamedTensor]], _ expected: [String: Any], _ problem: TranslatedProblem, _ name: String
    ) {
        var named: [String: Tensor] = [:]
        for (layer, buffers) in zip(problem.names, got) { for b in buffers { named["\(layer).\(b.name)"] = b.tensor } }
        let want = expected["buffers"] as? [String: Any] ?? [:]
        #expect(Set(named.keys) == Set(want.keys), "\(name): buffer names")
        for (key, value) in want {
            guard let tensor = named[key], let wanted = try? JSONTensor.decode(value) else { continue }
            Closeness.expect(tensor, wanted, case: name, tensor: "buffers.\(key)")
        }
    }

    private func checkBackward(
        _ problem: TranslatedProblem, _ expected: [String: Any], _ request: [String: Any], _ name: String
    ) throws {
        let seed: BackwardSeed = try problem.gradOutput.map { .gradOutput($0) } ?? .loss(#require(problem.loss))
        let result = try problem.network.backward(problem.input, seed: seed)
        try compareCommon(result.output, result.loss, result.activations, problem, expected, name)
        compareBuffers(result.buffers, expected, problem, name)
        let wantGradients = try #require(expected["gradients"] as? [String: Any])
        let got = problem.namedGradients(result)
        #expect(Set(got.keys) == Set(wantGradients.keys), "\(name): gradient names")
        for (key, value) in wantGradients {
            guard let tensor = got[key] else { continue }
            Closeness.expect(tensor, try JSONTensor.decode(value), case: name, tensor: "gradients.\(key)")
        }
        if let wantActivationGradients = expected["activation_gradients"] as? [String: Any] {
            try compareByLayer(
                result.activationGradients, wantActivationGradients, problem, name, "activation_gradients")
        }
    }

    private func compareCommon(
        _ output: Tensor, _ loss: Double?, _ activations: [Tensor], _ problem: TranslatedProblem,
        _ expected: [String: Any], _ name: String
    ) throws {
        Closeness.expect(output, try JSONTensor.decode(expected["output"] as Any), case: name, tensor: "output")
        if let wantLoss = expected["loss"] as? NSNumber {
            Closeness.expect(loss, wantLoss.doubleValue, case: name, tensor: "loss")
        } else {
            #expect(loss == nil, "\(name): unexpected loss")
        }
        if let wantActivations = expected["activations"] as? [String: Any] {
            try compareByLayer(activations, wantActivations, problem, name, "activations")
        }
    }

    private func compareByLayer(
        _ got: [Tensor], _ want: [String: Any], _ problem: TranslatedProblem, _ name: String, _ what: String
    ) throws {
        #expect(Set(problem.names) == Set(want.keys), "\(name): \(what) names")
        for (i, layerName) in problem.names.enumerated() {
            guard let value = want[layerName] else { continue }
            Closeness.expect(got[i], try JSONTensor.decode(value), case: name, tensor: "\(what).\(layerName)")
        }
    }
}
