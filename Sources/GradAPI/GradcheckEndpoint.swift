import ConvEngine
import Grading
import HTTP1
import JSONCodec

/// POST /gradcheck (openapi.yaml): every analytic gradient against central differences, refused with 413
/// when two forward passes per gradient element are over `maxGradcheckWork`.
enum GradcheckEndpoint {
    static let keys = ["eps", "tolerance"]

    static func gradcheck(_ request: HTTPRequest, _ context: RequestContext, _ configuration: APIConfiguration)
        -> HTTPResponse
    {
        APIEndpoint.respond(to: request) {
            let (problem, object) = try Problem.decode(
                body: request.body, configuration: configuration, extraKeys: keys)
            let fields = FieldReader(object, at: .root)
            let options = GradcheckOptions(eps: try eps(fields), tolerance: try GradeRequest.tolerance(fields))
            try checkWork(problem, configuration)
            let solution = try problem.solve(cancel: context.isCancelled)
            let report = try APIEndpoint.run(problem) { try solution.gradcheck(options, cancel: context.isCancelled) }
            return try GradcheckResponse.write(report, format: problem.options.tensorFormat)
        }
    }

    /// `"eps"`: the central-difference step, a number > 0 (default 1e-6).
    private static func eps(_ fields: FieldReader) throws -> Double {
        let eps = try fields.number("eps", default: 1e-6)
        guard eps > 0 else {
            throw APIError.invalid(
                .invalidValue, "eps must be a number greater than 0; found \(eps)", at: JSONPath("eps"))
        }
        return eps
    }

    /// Work = 2 forward passes x gradient elements, a forward pass costing a third of the problem's
    /// forward-plus-backward estimate.
    static func checkWork(_ problem: Problem, _ configuration: APIConfiguration) throws {
        let parameters = problem.parameters.reduce(0.0) { $0 + Double($1.writtenShape.reduce(1, *)) }
        let elements = Double(problem.input.count) + parameters
        let forward = max(1, NetworkCost(layers: problem.layers, inputShape: problem.input.shape).work / 3)
        let work = 2 * elements * forward
        guard work <= configuration.maxGradcheckWork else {
            throw APIError.tooLarge(
                "the gradient check runs the network twice for each of \(Int(elements)) gradient elements, about \(format(work)) multiply-adds; the limit is \(format(configuration.maxGradcheckWork))"
            )
        }
    }

    private static func format(_ value: Double) -> String { value < 1e15 ? String(Int(value)) : "\(value)" }
}

/// `{"passed", "results": {name: {"passed", "analytic", "numeric", "max_abs_error", "max_rel_error", "kinks"}}}`,
/// names in /backward's order, tensors in the request's `tensor_format`.
enum GradcheckResponse {
    static func write(_ report: GradcheckReport, format: ResponseOptions.TensorFormat) throws -> [UInt8] {
        for r in report.results { try ComputeResponse.checkFinite(r.numeric, "the numeric gradient \"\(r.name)\"") }
        var writer = JSONWriter(reservingCapacity: 256 + report.results.reduce(0) { $0 + 48 * $1.analytic.count })
        writer.beginObject()
        writer.key("passed")
        writer.bool(report.passed)
        writer.key("results")
        writer.beginObject()
        for r in report.results {
            writer.key(r.name)
            writer.beginObject()
            writer.key("passed")
            writer.bool(r.passed)
            writer.key("analytic")
            writer.tensor(r.analytic, format: format)
            writer.key("numeric")
            writer.tensor(r.numeric, format: format)
            writer.key("max_abs_error")
            GradeResponse.number(&writer, r.maxAbsError)
            writer.key("max_rel_error")
            GradeResponse.number(&writer, r.maxRelError)
            writer.key("kinks")
            writer.beginArray()
            for kink in r.kinks { GradeResponse.integers(&writer, kink) }
            writer.endArray()
            writer.endObject()
        }
        writer.endObject()
        writer.endObject()
        return writer.bytes
    }
}
