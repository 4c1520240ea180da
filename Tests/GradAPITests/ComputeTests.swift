import Foundation
import HTTP1
import Testing

@testable import GradAPI

/// /forward and /backward end to end through the handler: round trips, key order, options, limits.
@Suite struct ComputeTests {
    let client = APIClient()

    /// A flatten of `[1, k]` is the identity, so numbers go in and come out untouched.
    @Test func numbersRoundTripExactly_negativeZeroSubnormalsAndExtremes() throws {
        let numbers = "[-0.0,5e-324,2.225073858507201e-308,1e+308,-1.7976931348623157e+308,0.1,123456789.125]"
        let body = #"{"input": [\#(numbers)], "layers": [{"type": "flatten"}], "grad_output": [\#(numbers)]}"#
        let forward = try client.post("/forward", body)
        #expect(forward.text == #"{"output":[\#(numbers)]}"#)
        let backward = try client.post("/backward", body)
        #expect(backward.text == #"{"output":[\#(numbers)],"gradients":{"input":[\#(numbers)]}}"#)
    }

    @Test func integralFloatClassIndexGivesTheSameAnswerAsAnInteger() throws {
        let integral = try client.post(
            "/backward",
            Body.problem(input: "[1, 2]", layers: [Body.linear2], loss: #"{"type": "cross_entropy", "target": 1.0}"#))
        let integer = try client.post(
            "/backward",
            Body.problem(input: "[1, 2]", layers: [Body.linear2], loss: #"{"type": "cross_entropy", "target": [1]}"#))
        #expect(integral.status == 200)
        #expect(integral.body == integer.body)
    }

    @Test func backwardKeysComeInTheDocumentedOrder() throws {
        let response = try client.post(
            "/backward", Body.problem(extra: #", "return": ["activation_gradients", "activations"]"#))
        let text = response.text
        let order = [
            #"{"output":"#, #""loss":"#, #""gradients":{"input":"#, #""0.weight":"#, #""0.bias":"#, #""2.weight":"#,
            #""2.bias":"#,
            #""activations":{"0":"#, #""activation_gradients":{"0":"#,
        ]
        let positions = order.map { text.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "\(text)")
        #expect(
            positions.compactMap { $0 }.map { text.distance(from: text.startIndex, to: $0) }
                == positions.compactMap { $0 }.map { text.distance(from: text.startIndex, to: $0) }.sorted(), "\(text)")
    }

    @Test func forwardReturnsActivationsOnlyWhenAsked() throws {
        let plain = try FoundationJSON.object(try client.post("/forward", Body.problem()).body)
        #expect(Set(plain.keys) == ["output", "loss"])
        let asked = try FoundationJSON.object(
            try client.post("/forward", Body.problem(extra: #", "return": ["activations"]"#)).body)
        #expect(Set(asked.keys) == ["output", "loss", "activations"])
        #expect(Set((asked["activations"] as? [String: Any])?.keys ?? [:].keys) == ["0", "1", "2"])
    }

    @Test func forwardWithoutLossHasNoLossAndIgnoresGradOutput() throws {
        let response = try client.post("/forward", Body.problem(loss: nil, extra: #", "grad_output": [[1]]"#))
        #expect(response.status == 200, "\(response.text)")
        #expect(Set(try FoundationJSON.object(response.body).keys) == ["output"])
    }

    @Test func nonFiniteResult_is422() throws {
        let body = #"{"input": [1e300], "layers": [{"type": "linear", "weight": [[1e300]]}], "grad_output": [1]}"#
        for endpoint in ["/forward", "/backward"] {
            let response = try client.post(endpoint, body)
            #expect(response.status == 422, "\(response.text)")
            #expect(try response.errorCodeAndPath().code == "non_finite_result")
        }
    }

    @Test func workOverTheLimit_is413() throws {
        let small = APIClient(APIConfiguration(maxTensorElements: 1_000_000, maxWork: 10))
        let response = try small.post("/backward", Body.problem())
        #expect(response.status == 413)
        let (code, _, message) = try response.errorCodeAndPath()
        #expect(code == "too_large" && message.contains("multiply-adds"), "\(message)")
    }

    @Test func manyLayersOverTheHeldElementLimit_is413() throws {
        var small = APIConfiguration()
        small.maxHeldElements = 1_000
        let layers = Array(repeating: #"{"type": "relu"}"#, count: 40)
        let response = try APIClient(small).post(
            "/backward", Body.problem(layers: layers, loss: nil, extra: #", "grad_output": 0"#))
        #expect(response.status == 413, "\(response.text)")
        #expect(try response.errorCodeAndPath().message.contains("activations"))
    }

    @Test func engineShapeErrorsNameTheLayer() throws {
        // A 3-wide input into a linear layer that takes 4: the engine's error, at the layer's path.
        let response = try client.post(
            "/backward", Body.problem(input: "[1, 2, 3]", layers: [Body.linear], loss: #"{"type": "mse", "target": 0}"#)
        )
        #expect(response.status == 422, "\(response.text)")
        let (_, path, _) = try response.errorCodeAndPath()
        #expect(path?.hasPrefix("layers[0]") == true || path == "input", "\(response.text)")
    }

    @Test func cancelledWork_is503() throws {
        let route = try #require(APIRoutes.all().first { $0.path == "/backward" })
        let request = HTTPRequest(
            method: "POST", target: "/backward", headers: HTTPHeaders([("Content-Type", "application/json")]),
            body: Array(Body.problem().utf8))
        let response = route.handler(request, RequestContext(isCancelled: { true }))
        #expect(response.status == 503, "\(response.text)")
        #expect(try response.errorCodeAndPath().code == "cancelled")
    }
}
