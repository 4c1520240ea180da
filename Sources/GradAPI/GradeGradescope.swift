import Grading
import JSONCodec

/// `"format": "gradescope"`: the Gradescope autograder results.json shape,
/// `{"score", "max_score", "tests": [{"name", "score", "max_score", "status", "output"}]}`, one
/// all-or-nothing test per submitted tensor in submission order, `max_score` from `points` (1 each
/// by default); with `submissions`, `{"submissions": [{"id", "score", "max_score", "tests"}, ...]}`.
enum GradeGradescope {
    static func write(
        _ graded: [(id: String?, submission: GradedSubmission)], batch: Bool, request: GradeRequest
    ) -> [UInt8] {
        GradeResponse.envelope(graded, batch: batch) { writer, submission in write(&writer, submission, request) }
    }

    private static func write(_ writer: inout JSONWriter, _ submission: GradedSubmission, _ request: GradeRequest) {
        let maxScores = submission.results.map { request.points[$0.name] ?? 1 }
        let scores = zip(submission.results, maxScores).map { $0.comparison.passed ? $1 : 0 }
        writer.key("score")
        writer.number(scores.reduce(0, +))
        writer.key("max_score")
        writer.number(maxScores.reduce(0, +))
        writer.key("tests")
        writer.beginArray()
        for (i, result) in submission.results.enumerated() {
            writer.beginObject()
            writer.key("name")
            writer.string(result.name)
            writer.key("score")
            writer.number(scores[i])
            writer.key("max_score")
            writer.number(maxScores[i])
            writer.key("status")
            writer.string(result.comparison.passed ? "passed" : "failed")
            writer.key("output")
            writer.string(output(result, request.options))
            writer.endObject()
        }
        writer.endArray()
    }

    /// What the student reads under the test: pass, or how many elements differ (with the largest
    /// errors unless feedback is hidden) and the likely mistake.
    static func output(_ result: GradedTensor, _ options: GradingOptions) -> String {
        let c = result.comparison
        let shape = "[" + c.expectedShape.map(String.init).joined(separator: ", ") + "]"
        let tolerance = options.tolerance.text
        if c.passed { return "\(result.name): all \(c.total) elements match within \(tolerance)." }
        var text =
            c.shapeOK
            ? "\(result.name): \(c.mismatched) of \(c.total) elements differ beyond \(tolerance)"
            : "\(result.name): the submitted shape is not the expected \(shape)"
        if !options.hidden, c.shapeOK, let maxAbs = c.maxAbsError, let maxRel = c.maxRelError {
            text += " (max abs error \(maxAbs), max rel error \(maxRel), rel_error \(c.relError ?? 0))"
        }
        text += "."
        if let diagnosis = result.diagnosis { text += " " + diagnosis.message }
        return text
    }
}
