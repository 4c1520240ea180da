import ConvEngine
import Grading
import JSONCodec

/// The /grade body: `{"passed", "score", "results"}` for one submission, or
/// `{"submissions": [{"id", "passed", "score", "results"}, ...]}`, in the order given.
///
/// Per tensor, keys in a fixed order: `passed`, `shape_ok`, `expected_shape`, `mismatched`, `total`,
/// `max_abs_error`, `max_rel_error`, `rel_error` (full feedback and a matching shape only), `mismatches`
/// (hidden feedback: indices only), `diagnosis` (on a failing tensor that matches a known mistake).
enum GradeResponse {
    static func write(_ graded: [(id: String?, submission: GradedSubmission)], batch: Bool, hidden: Bool) -> [UInt8] {
        envelope(graded, batch: batch) { writer, submission in write(&writer, submission, hidden: hidden) }
    }

    /// The envelope both /grade formats share: one submission's members at the top level, or
    /// `{"submissions": [{"id", ...members}, ...]}` in the order given.
    static func envelope(
        _ graded: [(id: String?, submission: GradedSubmission)], batch: Bool,
        members: (inout JSONWriter, GradedSubmission) -> Void
    ) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 512 * graded.count)
        writer.beginObject()
        if batch {
            writer.key("submissions")
            writer.beginArray()
            for (id, submission) in graded {
                writer.beginObject()
                writer.key("id")
                writer.string(id ?? "")
                members(&writer, submission)
                writer.endObject()
            }
            writer.endArray()
        } else if let only = graded.first {
            members(&writer, only.submission)
        }
        writer.endObject()
        return writer.bytes
    }

    private static func write(_ writer: inout JSONWriter, _ submission: GradedSubmission, hidden: Bool) {
        writer.key("passed")
        writer.bool(submission.passed)
        writer.key("score")
        writer.number(submission.score)
        writer.key("results")
        writer.beginObject()
        for result in submission.results {
            writer.key(result.name)
            write(&writer, result, hidden: hidden)
        }
        writer.endObject()
    }

    private static func write(_ writer: inout JSONWriter, _ result: GradedTensor, hidden: Bool) {
        let c = result.comparison
        writer.beginObject()
        writer.key("passed")
        writer.bool(c.passed)
        writer.key("shape_ok")
        writer.bool(c.shapeOK)
        writer.key("expected_shape")
        integers(&writer, c.expectedShape)
        writer.key("mismatched")
        writer.number(c.mismatched)
        writer.key("total")
        writer.number(c.total)
        if !hidden, let maxAbs = c.maxAbsError, let maxRel = c.maxRelError {
            writer.key("max_abs_error")
            number(&writer, maxAbs)
            writer.key("max_rel_error")
            number(&writer, maxRel)
            if let relError = c.relError {
                writer.key("rel_error")
                number(&writer, relError)
            }
        }
        writer.key("mismatches")
        writer.beginArray()
        for mismatch in c.mismatches {
            writer.beginObject()
            writer.key("index")
            integers(&writer, mismatch.index)
            if !hidden {
                writer.key("expected")
                writer.number(mismatch.expected)
                writer.key("submitted")
                writer.number(mismatch.submitted)
            }
            writer.endObject()
        }
        writer.endArray()
        if let diagnosis = result.diagnosis {
            writer.key("diagnosis")
            writer.beginObject()
            writer.key("code")
            writer.string(diagnosis.code.rawValue)
            writer.key("message")
            writer.string(diagnosis.message)
            if let causes = diagnosis.causes {
                writer.key("causes")
                writer.beginArray()
                for cause in causes { writer.string(cause.rawValue) }
                writer.endArray()
            }
            writer.endObject()
        }
        writer.endObject()
    }

    /// A number; one that overflowed float64 (the difference of two huge submitted values) is
    /// written as the largest finite double, which JSON can carry.
    static func number(_ writer: inout JSONWriter, _ value: Double) {
        writer.number(
            value.isFinite ? value : value < 0 ? -Double.greatestFiniteMagnitude : Double.greatestFiniteMagnitude)
    }

    static func integers(_ writer: inout JSONWriter, _ values: [Int]) {
        writer.beginArray()
        for value in values { writer.number(value) }
        writer.endArray()
    }
}
