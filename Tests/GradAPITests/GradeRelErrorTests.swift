import JSONCodec
import Testing

@testable import GradAPI

/// /grade's `rel_error` figure and `"tolerance": {"rel_error": r}` (openapi.yaml, POST /grade).
@Suite struct GradeRelErrorTests {
    @Test func result_carriesRelErrorBesideMaxRelError() throws {
        let call = try GradeCall("/grade", GradeBodies.lesson(#""submission": {"2.bias": [-11.0], "0.bias": [-33]}"#))
        #expect(call.status == 200, "\(call.text)")
        let bias = try #require(call.json["results"]?["0.bias"])
        #expect(bias["rel_error"]?.numberValue == 0.5, "\(bias)")  // |-33 + 11| / (33 + 11)
        #expect(call.json["results"]?["2.bias"]?["rel_error"]?.numberValue == 0)
    }

    @Test func relErrorTolerance_gradesByRelError() throws {
        let loose = try GradeCall(
            "/grade", GradeBodies.lesson(#""submission": {"2.bias": [-11.05]}, "tolerance": {"rel_error": 0.01}"#))
        #expect(loose.json["passed"]?.boolValue == true, "\(loose.text)")
        let strict = try GradeCall(
            "/grade", GradeBodies.lesson(#""submission": {"2.bias": [-11.05]}, "tolerance": {"rel_error": 1e-3}"#))
        #expect(strict.json["passed"]?.boolValue == false, "\(strict.text)")
    }

    @Test func hiddenFeedback_leavesOutRelError() throws {
        let call = try GradeCall(
            "/grade", GradeBodies.lesson(#""submission": {"2.bias": [-12]}, "feedback": "hidden""#))
        #expect(call.json["results"]?["2.bias"]?["rel_error"] == nil, "\(call.text)")
    }

    @Test(arguments: [
        (#""tolerance": {"rel_error": -1}"#, "invalid_value", "tolerance.rel_error"),
        (#""tolerance": {"rel_error": 1e-6, "rtol": 1e-5}"#, "invalid_request", "tolerance.rtol"),
        (#""tolerance": {"rel_error": "small"}"#, "wrong_type", "tolerance.rel_error"),
    ])
    func invalidRelError_is422WithPath(_ extra: String, _ code: String, _ path: String) throws {
        let call = try GradeCall("/grade", GradeBodies.lesson(#""submission": {"2.bias": [1]}, "# + extra))
        #expect(call.status == 422, "\(call.text)")
        #expect(call.json["error"]?["code"]?.stringValue == code, "\(call.text)")
        #expect(call.json["error"]?["path"]?.stringValue == path, "\(call.text)")
    }

    @Test func gradcheck_stillRefusesRelError() throws {
        let call = try GradeCall("/gradcheck", GradeBodies.lesson(#""tolerance": {"rel_error": 1e-6}"#))
        #expect(call.status == 422, "\(call.text)")
    }
}
