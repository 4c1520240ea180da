import ConvEngine
import Grading
import HTTP1

/// POST /grade (API.md): the problem solved once, then every submission graded against it.
enum GradeEndpoint {
    static func grade(_ request: HTTPRequest, _ context: RequestContext, _ configuration: APIConfiguration) -> HTTPResponse {
        APIEndpoint.respond(to: request) {
            let (problem, object) = try Problem.decode(body: request.body, configuration: configuration, extraKeys: GradeRequest.keys)
            let grade = try GradeRequest(object, problem: problem, configuration: configuration)
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
}
