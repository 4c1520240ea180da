import ConvEngine
import Grading
import HTTP1

/// POST /grade (API.md): the problem solved once, then every submission graded against it.
enum GradeEndpoint {
    static func grade(_ request: HTTPRequest, _ context: RequestContext, _ configuration: APIConfiguration) -> HTTPResponse {
        APIEndpoint.respond(to: request) {
            let (problem, object) = try Problem.decode(body: request.body, configuration: configuration, extraKeys: GradeRequest.keys)
            let grade = try GradeRequest(object, problem: problem, configuration: configuration)
            try authorize(grade, context.grant)
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

    /// A `grade:hidden` key (without `grade`) gets hidden feedback or a 403, in either format and
    /// for `submission` or `submissions` alike: full feedback writes expected values (JSON
    /// `mismatches`) and error figures (Gradescope `output`). Checked before the problem is solved,
    /// so a refused request costs no compute and no error can carry a value of the solution.
    static func authorize(_ grade: GradeRequest, _ grant: AccessGrant?) throws {
        guard let grant, !grant.holds(.grade), !grade.options.hidden else { return }
        var error = APIError(
            status: 403, code: .forbidden,
            message: "full feedback needs scope grade; the key '\(grant.keyName)' has grade:hidden: send \"feedback\": \"hidden\"",
            path: "feedback")
        error.headers = HTTPError.forbidden("", scopes: [AccessScope.grade.rawValue]).headers.map { ($0.name, $0.value) }
        throw error
    }
}
