import JSONCodec
import Testing

@testable import GradAPI

@Suite struct GradeEndpointTests {
    @Test func correctSubmission_passesWithScoreOne() throws {
        let call = try GradeCall(
            "/grade",
            GradeBodies.lesson(
                """
                "submission": {"0.weight": \(GradeBodies.weightGradient), "0.bias": [-11], "2.weight": \(GradeBodies.denseWeightGradient), "2.bias": [-11]}
                """))
        #expect(call.status == 200, "\(call.text)")
        #expect(call.json["passed"]?.boolValue == true)
        #expect(call.json["score"]?.numberValue == 1)
        #expect(call.json["results"]?.keys == ["0.weight", "0.bias", "2.weight", "2.bias"])
        let weight = try #require(call.json["results"]?["0.weight"])
        #expect(
            weight.keys == [
                "passed", "shape_ok", "expected_shape", "mismatched", "total", "max_abs_error", "max_rel_error",
                "rel_error", "mismatches",
            ])
        #expect(weight["expected_shape"]?.numbersValue == [2, 2])
        #expect(weight["total"]?.numberValue == 4 && weight["mismatched"]?.numberValue == 0)
    }

    @Test func flippedKernel_failsWithMismatchesAndDiagnosis() throws {
        let call = try GradeCall(
            "/grade",
            GradeBodies.lesson(
                """
                "submission": {"0.weight": \(GradeBodies.flippedWeightGradient), "2.bias": [-11]}
                """))
        #expect(call.status == 200, "\(call.text)")
        #expect(call.json["passed"]?.boolValue == false)
        #expect(call.json["score"]?.numberValue == 0.5)
        let weight = try #require(call.json["results"]?["0.weight"])
        #expect(weight["mismatched"]?.numberValue == 4)
        let first = try #require(weight["mismatches"]?[0])
        #expect(first["index"]?.numbersValue == [0, 0])
        #expect(abs((first["expected"]?.numberValue ?? 0) - -85.8) < 1e-9)
        #expect(first["submitted"]?.numberValue == -140.8)
        #expect(abs((weight["max_abs_error"]?.numberValue ?? 0) - 55) < 1e-9)
        #expect(weight["diagnosis"]?["code"]?.stringValue == "kernel_flipped")
        #expect(call.json["results"]?["2.bias"]?["diagnosis"] == nil)
    }

    @Test func hiddenFeedback_leavesOutValuesAndErrorSizes() throws {
        let call = try GradeCall(
            "/grade",
            GradeBodies.lesson(
                """
                "submission": {"0.weight": \(GradeBodies.flippedWeightGradient)}, "feedback": "hidden"
                """))
        #expect(call.status == 200, "\(call.text)")
        let weight = try #require(call.json["results"]?["0.weight"])
        #expect(
            weight.keys == ["passed", "shape_ok", "expected_shape", "mismatched", "total", "mismatches", "diagnosis"])
        #expect(weight["mismatches"]?[0]?.keys == ["index"])
        #expect(weight["expected_shape"]?.numbersValue == [2, 2])
        #expect(weight["diagnosis"]?["code"]?.stringValue == "kernel_flipped")
        for value in ["85.8", "96.8", "129.8"] { #expect(!call.text.contains(value)) }
    }

    @Test func wrongShape_isGradedNotRefused() throws {
        let call = try GradeCall("/grade", GradeBodies.lesson(#""submission": {"0.weight": [1, 2, 3, 4]}"#))
        #expect(call.status == 200)
        let weight = try #require(call.json["results"]?["0.weight"])
        #expect(weight["shape_ok"]?.boolValue == false && weight["expected_shape"]?.numbersValue == [2, 2])
        #expect(weight["max_abs_error"] == nil && weight["mismatched"]?.numberValue == 4)
    }

    @Test func tolerance_isApplied() throws {
        let loose = try GradeCall(
            "/grade", GradeBodies.lesson(#""submission": {"2.bias": [-11.05]}, "tolerance": {"rtol": 0.01}"#))
        #expect(loose.json["passed"]?.boolValue == true)
        let strict = try GradeCall(
            "/grade", GradeBodies.lesson(#""submission": {"2.bias": [-11.05]}, "tolerance": {"rtol": 0, "atol": 0.01}"#)
        )
        #expect(strict.json["passed"]?.boolValue == false)
    }

    @Test func manySubmissions_areGradedInOrderAgainstOneProblem() throws {
        let call = try GradeCall(
            "/grade",
            GradeBodies.lesson(
                """
                "submissions": [
                  {"id": "s2", "gradients": {"0.weight": \(GradeBodies.flippedWeightGradient)}},
                  {"id": "s1", "gradients": {"0.weight": \(GradeBodies.weightGradient)}},
                  {"id": 7, "gradients": {"input": [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]}}
                ]
                """))
        #expect(call.status == 200, "\(call.text)")
        let list = try #require(call.json["submissions"]?.arrayElements)
        #expect(list.map { $0["id"]?.stringValue } == ["s2", "s1", "7"])
        #expect(list.map { $0["passed"]?.boolValue } == [false, true, false])
        #expect(list[0].keys == ["id", "passed", "score", "results"])
        #expect(list[0]["results"]?["0.weight"]?["diagnosis"]?["code"]?.stringValue == "kernel_flipped")
    }

    @Test func gradescopeFormat_hasOneTestPerTensorWithPoints() throws {
        let call = try GradeCall(
            "/grade",
            GradeBodies.lesson(
                """
                "submission": {"2.bias": [-11], "0.weight": \(GradeBodies.flippedWeightGradient)},
                "format": "gradescope", "points": {"0.weight": 3}
                """))
        #expect(call.status == 200, "\(call.text)")
        #expect(call.json.keys == ["score", "max_score", "tests"])
        #expect(call.json["score"]?.numberValue == 1 && call.json["max_score"]?.numberValue == 4)
        let tests = try #require(call.json["tests"]?.arrayElements)
        #expect(tests.map { $0["name"]?.stringValue } == ["2.bias", "0.weight"])
        #expect(tests.map { $0["status"]?.stringValue } == ["passed", "failed"])
        #expect(tests.map { $0["max_score"]?.numberValue } == [1, 3])
        #expect(tests[1].keys == ["name", "score", "max_score", "status", "output"])
        #expect(tests[1]["output"]?.stringValue?.contains("rotated by 180 degrees") == true)
    }

    @Test func gradescopeWithSubmissions_isOneObjectPerId() throws {
        let call = try GradeCall(
            "/grade",
            GradeBodies.lesson(
                """
                "submissions": [{"id": "a", "gradients": {"2.bias": [-11]}}, {"id": "b", "gradients": {"2.bias": [11]}}],
                "format": "gradescope", "feedback": "hidden"
                """))
        let list = try #require(call.json["submissions"]?.arrayElements)
        #expect(list.map { $0["id"]?.stringValue } == ["a", "b"])
        #expect(list.map { $0["score"]?.numberValue } == [1, 0])
        #expect(list[1]["tests"]?[0]?["output"]?.stringValue?.contains("opposite sign") == true)
        #expect(!call.text.contains("max abs error"))
    }

    @Test func shortForm_gradesImagesAndKernels() throws {
        let call = try GradeCall(
            "/grade",
            """
            {"images": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernels": [[1, 0], [0, 1]],
             "grad_output": [[1, 1], [1, 1]], "submission": {"kernels": [[12, 16], [24, 28]]}}
            """)
        #expect(call.status == 200, "\(call.text)")
        #expect(call.json["results"]?["kernels"]?["passed"]?.boolValue == true)
    }

    @Test func sameRequest_getsIdenticalBytes() throws {
        let body = GradeBodies.lesson(
            #""submissions": [{"id": "x", "gradients": {"0.weight": [[1, 2], [3, 4]], "input": [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]}}]"#
        )
        #expect(try GradeCall("/grade", body).body == GradeCall("/grade", body).body)
    }

    @Test(arguments: [
        (#""submission": {"9.weight": [1]}"#, "unknown_gradient", #"submission["9.weight"]"#),
        (#""tolerance": {"rtol": 1}"#, "missing_field", "submission"),
        (#""submission": {}, "submissions": []"#, "invalid_request", "submissions"),
        (#""submission": {"2.bias": [1]}, "tolerance": {"rtol": -1}"#, "invalid_value", "tolerance.rtol"),
        (#""submission": {"2.bias": [1]}, "feedback": "secret""#, "invalid_value", "feedback"),
        (#""submission": {"2.bias": [1]}, "points": {"nope": 1}"#, "unknown_gradient", "points.nope"),
        (
            #""submissions": [{"gradients": {"2.bias": [[1], [2, 3]]}}]"#, "ragged",
            "submissions[0].gradients[\"2.bias\"][1]"
        ),
        (#""submission": {"2.bias": [1]}, "extra": 1"#, "unknown_field", "extra"),
    ])
    func invalidGradingFields_are422WithPath(_ extra: String, _ code: String, _ path: String) throws {
        let call = try GradeCall("/grade", GradeBodies.lesson(extra))
        #expect(call.status == 422, "\(call.text)")
        #expect(call.error.path == path, "\(call.text)")
        if code != "ragged" { #expect(call.error.code == code, "\(call.text)") }
    }

    @Test func problemWithoutSeed_is422() throws {
        let body =
            #"{"input": [[1, 2], [3, 4]], "layers": [{"type": "relu"}], "submission": {"input": [[1, 1], [1, 1]]}}"#
        let call = try GradeCall("/grade", body)
        #expect(call.status == 422 && call.error.path == "loss")
    }

    @Test func hugeSubmittedValues_areGradedWithFiniteErrors() throws {
        let call = try GradeCall(
            "/grade", GradeBodies.lesson(#""submission": {"0.weight": [[1e308, -1e308], [1.7e308, -1.7e308]]}"#))
        #expect(call.status == 200, "\(call.text)")
        #expect(call.json["results"]?["0.weight"]?["max_abs_error"]?.numberValue == 1.7e308)
    }

    @Test func sameMistakeInManySubmissions_getsTheSameDiagnosis() throws {
        let one =
            #"{"id": "x", "gradients": {"input": [[-1.1, 0, -2.2, 0], [0, 1.1, 0, 2.2], [-3.3, 0, -4.4, 0], [0, 3.3, 0, 4.4]]}}"#
        let call = try GradeCall("/grade", GradeBodies.lesson(#""submissions": [\#(one), \#(one), \#(one)]"#))
        let list = try #require(call.json["submissions"]?.arrayElements)
        #expect(list.count == 3)
        #expect(list.allSatisfy { $0["passed"]?.boolValue == true })
        let negated =
            #"{"id": "y", "gradients": {"input": [[1.1, 0, 2.2, 0], [0, -1.1, 0, -2.2], [3.3, 0, 4.4, 0], [0, -3.3, 0, -4.4]]}}"#
        let wrong = try GradeCall("/grade", GradeBodies.lesson(#""submissions": [\#(negated), \#(negated)]"#))
        let codes = try #require(wrong.json["submissions"]?.arrayElements).map {
            $0["results"]?["input"]?["diagnosis"]?["code"]?.stringValue
        }
        #expect(codes == ["wrong_sign", "wrong_sign"])
    }

    @Test func layerName_gradesDLossDItsOutput() throws {
        // dL/dz of the lesson: -11 * [0.1, 0.2, 0.3, 0.4], graded at full rank [1, 4].
        let call = try GradeCall(
            "/grade",
            GradeBodies.lesson(
                #""submission": {"1": [[-1.1, -2.2, -3.3, -4.4]], "0": [[[[-1.1, -2.2], [-3.3, -4.4]]]]}"#))
        #expect(call.status == 200, "\(call.text)")
        #expect(call.json["passed"]?.boolValue == true)
        #expect(call.json["results"]?["0"]?["expected_shape"]?.numbersValue == [1, 1, 2, 2])
    }
}
