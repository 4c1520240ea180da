import Foundation
import JSONCodec
import Testing

@testable import GradAPI

/// Real students' backward passes, transcribed with numpy and scipy by a generator beside each
/// fixture (Tests/Fixtures/students/*.py), graded as /grade requests: each tensor must get the
/// diagnosis the general search finds (issue 16).
@Suite struct GradeStudentFixtureTests {
    static let students = Repo.root.appendingPathComponent("Tests/Fixtures/students")

    @Test func lessonConvStudent_getsADiagnosisForEveryTensor_theShapeOneIncluded() throws {
        let body = try String(
            contentsOf: Self.students.appendingPathComponent("lesson-conv-student.grade.json"), encoding: .utf8)
        let call = try GradeCall("/grade", body)
        #expect(call.status == 200, "\(call.text)")
        let results = try #require(call.json["results"])
        let weight = try #require(results["0.weight"])
        let input = try #require(results["input"])
        #expect(weight["diagnosis"]?["code"]?.stringValue == "upstream_flipped", "\(weight)")
        #expect(input["shape_ok"]?.boolValue == false)
        #expect(input["diagnosis"]?["code"]?.stringValue == "padding_mode", "\(input)")
        let message = input["diagnosis"]?["message"]?.stringValue ?? ""
        #expect(
            message.contains("'same'") && message.contains("[3, 5, 5]") && message.contains("[3, 7, 7]"), "\(message)")
        #expect(results["0.bias"]?["diagnosis"]?["code"]?.stringValue == "bias_wrong_axes")
    }

    @Test func combinedMistake_listsEachCauseInTheDiagnosis() throws {
        // The lesson's weight gradient rotated (kernel_flipped) and doubled (constant_factor 2).
        let call = try GradeCall(
            "/grade", GradeBodies.lesson(#""submission": {"0.weight": [[-281.6, -259.6], [-193.6, -171.6]]}"#))
        let diagnosis = try #require(call.json["results"]?["0.weight"]?["diagnosis"], "\(call.text)")
        #expect(diagnosis.keys == ["code", "message", "causes"])
        #expect(diagnosis["code"]?.stringValue == "kernel_flipped")
        #expect(
            diagnosis["causes"]?[0]?.stringValue == "kernel_flipped"
                && diagnosis["causes"]?[1]?.stringValue == "constant_factor", "\(diagnosis)")
    }
}
