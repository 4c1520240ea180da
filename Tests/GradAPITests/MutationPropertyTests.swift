import Foundation
import HTTP1
import TestSupport
import Testing

@testable import GradAPI

/// Property: valid request bodies (the conformance vectors, turned into requests for all five POST
/// routes) mutated at random, in their JSON structure or their bytes, are answered 200 or a 4xx
/// with a JSON error body (openapi.yaml, `Error`): never a 5xx, never a trap.
@Suite struct MutationPropertyTests {
    /// Small limits keep every mutated request cheap in a debug build (413 is a fine answer).
    let api: APIClient = {
        var configuration = APIConfiguration(maxTensorElements: 20_000, maxWork: 20_000_000)
        configuration.maxGradcheckWork = 2_000_000
        return APIClient(configuration)
    }()
    static let routes = ["/forward", "/backward", "/grade", "/explain", "/gradcheck"]

    @Test func seedRequests_areValidBeforeMutation() throws {
        for (route, seed) in try seedRequests() {
            let response = try api.send("POST", route, body: Array(try JSONSerialization.data(withJSONObject: seed)))
            #expect(response.status == 200 || response.status == 413, "\(route): \(response.status) \(response.text)")
        }
    }

    @Test func structuralMutations_answerOnly200Or4xx() throws {
        var rng = SplitMix64(seed: 0xC0FFEE)
        let seeds = try seedRequests()
        var statuses: [Int: Int] = [:]
        for _ in 0..<1_500 {
            let (route, seed) = seeds.randomElement(using: &rng)!
            var document: Any = seed
            for _ in 0..<Int.random(in: 1...3, using: &rng) { document = mutate(document, using: &rng) }
            let body = try JSONSerialization.data(withJSONObject: document, options: [.fragmentsAllowed])
            statuses[try expectOnly200Or4xx(route, Array(body)), default: 0] += 1
        }
        // The mutations reach past the decoder: some problems stay valid, most are refused.
        #expect(statuses[200, default: 0] > 10 && statuses[422, default: 0] > 300, "\(statuses)")
    }

    @Test func byteMutations_answerOnly200Or4xx() throws {
        var rng = SplitMix64(seed: 77)
        let seeds = try seedRequests().map { ($0.0, Array(try JSONSerialization.data(withJSONObject: $0.1))) }
        let tokens: [[UInt8]] =
            ["[", "]", "{", "}", ",", ":", "\"", "-", "0", "1e999", "1e-400", "null", "\\u", "\u{FF}", "9999999999"]
            .map { Array($0.utf8) } + [[0xFF], [0xC3], [0x00]]
        var statuses: [Int: Int] = [:]
        for _ in 0..<1_500 {
            var (route, body) = seeds.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0..<body.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: body.replaceSubrange(at..<min(body.count, at + 1), with: tokens.randomElement(using: &rng)!)
                case 1: body.removeSubrange(at..<min(body.count, at + Int.random(in: 1...8, using: &rng)))
                default: body.insert(contentsOf: tokens.randomElement(using: &rng)!, at: at)
                }
            }
            statuses[try expectOnly200Or4xx(route, body), default: 0] += 1
        }
        #expect(statuses[200, default: 0] > 20 && statuses[400, default: 0] > 300, "\(statuses)")
    }

    @discardableResult
    private func expectOnly200Or4xx(_ route: String, _ body: [UInt8]) throws -> Int {
        let response = try api.send("POST", route, body: body)
        let text = String(decoding: body.prefix(600), as: UTF8.self)
        #expect(
            response.status == 200 || (400..<500).contains(response.status.code),
            "\(route) \(response.status) \(response.text) for \(text)")
        if response.status != 200 {
            #expect(
                (try? response.errorCodeAndPath()) != nil,
                "\(route) \(response.status) body is not an error: \(response.text)")
        }
        return response.status.code
    }

    /// Each conformance vector's request, for a route chosen by the vector's number, with the
    /// members that route needs (/grade: a submission, /explain: `of` and `index`).
    private func seedRequests() throws -> [(String, [String: Any])] {
        let files = try FileManager.default.contentsOfDirectory(atPath: Repo.vectors.path).filter {
            $0.hasSuffix(".json")
        }.sorted()
        return try files.enumerated().compactMap { i, file in
            let vector = try FoundationJSON.object(
                Array(try Data(contentsOf: Repo.vectors.appendingPathComponent(file))))
            guard var request = vector["request"] as? [String: Any], let input = request["input"] ?? request["images"]
            else { return nil }
            let route = vector["endpoint"] as? String == "/forward" ? "/forward" : Self.routes[i % Self.routes.count]
            let name = request["input"] == nil ? "images" : "input"
            if route == "/grade" { request["submission"] = [name: input] }
            if route == "/explain" {
                request["of"] = name
                request["index"] = Array(repeating: 0, count: rank(input))
            }
            return (route, request)
        }
    }

    private func rank(_ tensor: Any) -> Int {
        if let object = tensor as? [String: Any] { return (object["shape"] as? [Any])?.count ?? 0 }
        var rank = 0
        var level: Any = tensor
        while let array = level as? [Any], let first = array.first {
            rank += 1
            level = first
        }
        return rank
    }

    /// Values that break types, ranges, shapes and limits.
    static var replacements: [Any] {
        [
            -1, 0, 1, 2.5, 1e308, -1e308, Double.leastNonzeroMagnitude, 9_007_199_254_740_993, 1e12, "x", "", "same",
            "valid", true, NSNull(),
            [Any](), [String: Any](), [[Any]()], [1, [2]], [[1, 2], [3]], ["shape": [2], "data": [1]],
            ["shape": [1_000_000, 1_000_000], "data": [1]], ["shape": [2], "base64": "AAAAAAAA8D8="], [0, 0, 0, 0, 0],
        ]
    }

    /// One random change somewhere in the document: replace a value, drop or add a member, drop or
    /// duplicate an array element, or wrap a value in an array.
    private func mutate(_ value: Any, using rng: inout SplitMix64) -> Any {
        let descend = Int.random(in: 0..<3, using: &rng) != 0
        if var object = value as? [String: Any], !object.isEmpty, descend {
            let key = object.keys.sorted().randomElement(using: &rng)!
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: object[key] = nil
            case 1: object["unknown_\(key)"] = 1
            default: object[key] = mutate(object[key]!, using: &rng)
            }
            return object
        }
        if var array = value as? [Any], !array.isEmpty, descend {
            let i = Int.random(in: 0..<array.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: array.remove(at: i)
            case 1: array.insert(array[i], at: i)
            default: array[i] = mutate(array[i], using: &rng)
            }
            return array
        }
        return Int.random(in: 0..<5, using: &rng) == 0 ? [value] : Self.replacements.randomElement(using: &rng)!
    }
}
