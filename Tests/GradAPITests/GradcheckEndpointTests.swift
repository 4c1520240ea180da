import JSONCodec
import Testing

@testable import GradAPI

@Suite struct GradcheckEndpointTests {
    @Test func lesson_passesWithAnalyticAndNumericInWrittenShapes() throws {
        let call = try GradeCall("/gradcheck", GradeBodies.lesson(#""eps": 1e-5"#))
        #expect(call.status == 200, "\(call.text)")
        #expect(call.json["passed"]?.boolValue == true)
        #expect(call.json["results"]?.keys == ["input", "0.weight", "0.bias", "2.weight", "2.bias"])
        let weight = try #require(call.json["results"]?["0.weight"])
        #expect(weight.keys == ["passed", "analytic", "numeric", "max_abs_error", "max_rel_error", "kinks"])
        #expect(weight["analytic"]?[0]?.numbersValue?.count == 2)
        let numeric = try #require(weight["numeric"]?[0]?[0]?.numberValue)
        #expect(abs(numeric - -85.8) < 1e-6 * 85.8)
        #expect(weight["kinks"]?.arrayElements?.isEmpty == true)
    }

    @Test func reluAtZero_listsKinks() throws {
        let body = """
            {"input": [[1, 1]], "layers": [{"type": "linear", "weight": [[1, -1]]}, {"type": "relu"}],
             "loss": {"type": "mse", "target": [[1]]}, "tensor_format": "flat"}
            """
        let call = try GradeCall("/gradcheck", body)
        #expect(call.status == 200, "\(call.text)")
        let kinks = try #require(call.json["results"]?["input"]?["kinks"]?.arrayElements)
        #expect(kinks.map(\.numbersValue) == [[0, 0], [0, 1]])
        #expect(call.json["results"]?["input"]?["numeric"]?["shape"]?.numbersValue == [1, 2])
    }

    @Test func overTheWorkLimit_is413() throws {
        var configuration = APIConfiguration()
        configuration.maxGradcheckWork = 100
        let call = try GradeCall("/gradcheck", GradeBodies.lesson(#""eps": 1e-6"#), configuration: configuration)
        #expect(call.status == 413 && call.error.code == "too_large", "\(call.text)")
    }

    @Test(arguments: [
        (#""eps": 0"#, "invalid_value", "eps"),
        (#""eps": "small""#, "wrong_type", "eps"),
        (#""tolerance": {"rtol": 1, "btol": 2}"#, "unknown_field", "tolerance.btol"),
    ])
    func invalidGradcheckFields_are422WithPath(_ extra: String, _ code: String, _ path: String) throws {
        let call = try GradeCall("/gradcheck", GradeBodies.lesson(extra))
        #expect(call.status == 422, "\(call.text)")
        #expect(call.error.code == code && call.error.path == path, "\(call.text)")
    }

    @Test func hugeEps_overflowsTo422NotACrash() throws {
        let call = try GradeCall("/gradcheck", GradeBodies.lesson(#""eps": 1e300"#))
        #expect(call.status == 422 && call.error.code == "non_finite_result", "\(call.text)")
    }
}
