import ConvEngine
import Grading
import HTTP1

/// POST /grade (openapi.yaml): the problem solved once, then every submission graded against it.
enum GradeEndpoint {
    static func grade(_ request: HTTPRequest, _ context: RequestContext, _ configuration: APIConfiguration)
        -> HTTPResponse
    {
        APIEndpoint.respond(to: request) {
            let (problem, object) = try Problem.decode(
                body: request.body, configuration: configuration, extraKeys: GradeRequest.keys)
            let grade = try GradeRequest(object, problem: problem, configuration: configuration)
            try authorize(grade, setsTolerance: object["tolerance"] != nil, context.grant)
            let solution = try problem.solve(cancel: context.isCancelled)
            let grader = Grader(
                solution: solution, options: grade.options, cancel: context.isCancelled,
                names: Set(grade.submissions.flatMap { $0.gradients.map(\.name) }))
            var graded: [(id: String?, submission: GradedSubmission)] = []
            for submission in grade.submissions {
                if context.isCancelled() { throw CancelledError() }
                graded.append((submission.id, grader.grade(submission.gradients)))
            }
            return grade.gradescope
                ? GradeGradescope.write(graded, batch: grade.isBatch, request: grade)
                : GradeResponse.write(graded, batch: grade.isBatch, hidden: grade.options.hidden)
        }
    }

    /// A `grade:hidden` key (without `grade`) gets hidden feedback at the default tolerance, or a
    /// 403, in either format and for `submission` or `submissions` alike. Full feedback writes
    /// expected values (JSON `mismatches`) and error figures (Gradescope `output`); a tolerance of
    /// the student's choosing turns pass/fail into a search (pass iff |submitted - expected| <=
    /// atol: halving atol bisects each expected value). Checked before the problem is solved, so a
    /// refused request costs no compute and no error can carry a value of the solution.
    static func authorize(_ grade: GradeRequest, setsTolerance: Bool, _ grant: AccessGrant?) throws {
        guard let grant, !grant.holds(.grade) else { return }
        if !grade.options.hidden {
            throw forbidden(
                "full feedback needs scope grade; the key '\(grant.keyName)' has grade:hidden: send \"feedback\": \"hidden\"",
                at: "feedback")
        }
        if setsTolerance {
            throw forbidden(
                "tolerance needs scope grade; the key '\(grant.keyName)' has grade:hidden and grades at the default rtol 1e-5, atol 1e-8",
                at: "tolerance")
        }
    }

    private static func forbidden(_ message: String, at path: String) -> APIError {
        var error = APIError(status: .forbidden, code: .forbidden, message: message, path: path)
        error.headers = HTTPError.forbidden(message, scopes: [AccessScope.grade.rawValue]).headers.map {
            ($0.name, $0.value)
        }
        return error
    }
}
