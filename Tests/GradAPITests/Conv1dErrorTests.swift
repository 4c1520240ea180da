import Foundation
import HTTP1
import Testing

@testable import GradAPI

/// conv1d runs as a conv2d over a one-row image; its errors still speak of the `[N, C, L]` input
/// and `[out, in/groups, k]` weight the request wrote, never of the internal 4-D shapes.
@Suite struct Conv1dErrorTests {
    static let client = APIClient()

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var body: String
        var code: String
        var path: String
        var mentions: [String]
    }

    static let cases: [Case] = [
        Case(
            description: "channels",
            body:
                #"{"input": {"shape": [1, 2, 5], "data": [1,2,3,4,5,6,7,8,9,10]}, "layers": [{"type": "conv1d", "weight": {"shape": [1, 3, 2], "data": [1,2,3,4,5,6]}}]}"#,
            code: "shape_mismatch", path: "layers[0].weight", mentions: ["input [1, 2, 5]", "weight [1, 3, 2]"]),
        Case(
            description: "kernel too long",
            body:
                #"{"input": {"shape": [1, 2, 2], "data": [1,2,3,4]}, "layers": [{"type": "conv1d", "weight": {"shape": [1, 2, 3], "data": [1,2,3,4,5,6]}}]}"#,
            code: "kernel_too_large", path: "layers[0].weight", mentions: ["kernel 3", "length 2"]),
        Case(
            description: "groups",
            body:
                #"{"input": {"shape": [1, 3, 5], "data": [1,2,3,4,5,6,7,8,9,10,1,2,3,4,5]}, "layers": [{"type": "conv1d", "groups": 2, "weight": {"shape": [2, 1, 3], "data": [1,2,3,4,5,6]}}]}"#,
            code: "shape_mismatch", path: "layers[0].groups", mentions: ["input [1, 3, 5]"]),
        Case(
            description: "dilated kernel past padding",
            body:
                #"{"input": {"shape": [1, 1, 4], "data": [1,2,3,4]}, "layers": [{"type": "conv1d", "dilation": 2, "padding": 1, "weight": {"shape": [1, 1, 4], "data": [1,2,3,4]}}]}"#,
            code: "kernel_too_large", path: "layers[0].weight", mentions: ["spans 7 positions", "more than the 6"]),
    ]

    @Test(arguments: cases)
    func error_namesTheShapesTheRequestWrote(_ c: Case) throws {
        let response = try Self.client.post("/forward", c.body)
        #expect(response.status == 422, "\(response.text)")
        let error = try #require(try FoundationJSON.object(response.body)["error"] as? [String: Any])
        #expect(error["code"] as? String == c.code)
        #expect(error["path"] as? String == c.path)
        let message = try #require(error["message"] as? String)
        for text in c.mentions { #expect(message.contains(text), "\(message)") }
        let fourDimensional = try NSRegularExpression(pattern: #"\[\d+, \d+, \d+, \d+\]"#)
        #expect(
            fourDimensional.firstMatch(in: message, range: NSRange(message.startIndex..., in: message)) == nil,
            "\(message)")
    }
}
