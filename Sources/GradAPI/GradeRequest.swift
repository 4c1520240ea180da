import ConvEngine
import Grading
import JSONCodec

/// The members /grade adds to a problem (openapi.yaml "POST /grade").
struct GradeRequest {
    static let keys = ["submission", "submissions", "tolerance", "feedback", "format", "points"]

    /// One student's gradients, in the order written.
    struct Submission {
        var id: String?
        var gradients: [(name: String, tensor: Tensor)]
    }

    var submissions: [Submission]
    /// True for `"submissions": [...]` (the response lists them), false for one `"submission"`.
    var isBatch: Bool
    var options: GradingOptions
    var gradescope: Bool
    var points: [String: Double]

    init(_ object: JSONObject, problem: Problem, configuration: APIConfiguration) throws {
        let fields = FieldReader(object, at: .root)
        let decoder = SubmissionDecoder(problem: problem, tensors: configuration.tensorDecoder)
        switch (fields.optional("submission"), fields.optional("submissions")) {
        case (let one?, nil):
            submissions = [Submission(id: nil, gradients: try decoder.gradients(one, at: JSONPath("submission")))]
            isBatch = false
        case (nil, let many?):
            submissions = try decoder.submissions(many, at: JSONPath("submissions"))
            isBatch = true
        case (.some, .some):
            throw APIError.invalid(
                .invalidRequest,
                "submission and submissions are both given; send one student's gradients as submission or many as submissions",
                at: JSONPath("submissions"))
        case (nil, nil):
            throw APIError.invalid(
                .missingField,
                "submission is required: the gradients to grade by name, e.g. {\"0.weight\": [[...]]} (or submissions: [{\"id\", \"gradients\"}, ...])",
                at: JSONPath("submission"))
        }
        let hidden = try fields.choice("feedback", default: "full", choices: ["full", "hidden"]) == "hidden"
        options = GradingOptions(
            tolerance: try Self.tolerance(fields, relErrorAllowed: true), hidden: hidden,
            searchBudget: configuration.diagnosisBudget)
        gradescope = try fields.choice("format", default: "json", choices: ["json", "gradescope"]) == "gradescope"
        points = try Self.points(fields, problem: problem)
    }

    /// `"tolerance": {"rtol", "atol"}`, numpy's defaults for either left out; both must be >= 0. With
    /// `relErrorAllowed` (/grade), `{"rel_error": r}` instead grades by CS231n's relative error.
    static func tolerance(_ fields: FieldReader, relErrorAllowed: Bool = false) throws -> Tolerance {
        guard let value = fields.optional("tolerance") else { return Tolerance() }
        let expected =
            relErrorAllowed ? "an object {\"rtol\", \"atol\"} or {\"rel_error\"}" : "an object {\"rtol\", \"atol\"}"
        let tolerance = try FieldReader(value, at: JSONPath("tolerance"), expected: expected)
        try tolerance.rejectUnknownKeys(
            allowed: relErrorAllowed ? ["rtol", "atol", "rel_error"] : ["rtol", "atol"], context: "tolerance")
        if relErrorAllowed, tolerance.optional("rel_error") != nil { return try relError(tolerance) }
        let result = Tolerance(
            rtol: try tolerance.number("rtol", default: 1e-5), atol: try tolerance.number("atol", default: 1e-8))
        for (key, bound) in [("rtol", result.rtol), ("atol", result.atol)] where bound < 0 {
            throw APIError.invalid(
                .invalidValue, "tolerance.\(key) must be at least 0; found \(bound)", at: JSONPath("tolerance").key(key)
            )
        }
        return result
    }

    /// `{"rel_error": r}`, r >= 0, alone: it replaces allclose, so rtol and atol beside it are refused.
    private static func relError(_ tolerance: FieldReader) throws -> Tolerance {
        let path = JSONPath("tolerance")
        for key in ["rtol", "atol"] where tolerance.optional(key) != nil {
            throw APIError.invalid(
                .invalidRequest,
                "tolerance.rel_error grades by CS231n's relative error instead of allclose; leave out tolerance.\(key) or rel_error",
                at: path.key(key))
        }
        let bound = try tolerance.number("rel_error", default: 0)
        guard bound >= 0 else {
            throw APIError.invalid(
                .invalidValue, "tolerance.rel_error must be at least 0; found \(bound)", at: path.key("rel_error"))
        }
        return Tolerance(relError: bound)
    }

    /// `"points": {name: number}`: each test's max_score in the Gradescope format (1 when absent).
    private static func points(_ fields: FieldReader, problem: Problem) throws -> [String: Double] {
        guard let value = fields.optional("points") else { return [:] }
        let path = JSONPath("points")
        let points = try FieldReader(value, at: path, expected: "an object {gradient name: points}")
        var result: [String: Double] = [:]
        for (name, entry) in points.object.members {
            guard problem.gradableNames.contains(name) else {
                throw APIError.invalid(
                    .unknownGradient,
                    "\(path.key(name)) names no gradient; this problem has \(problem.gradableNamesText)",
                    at: path.key(name))
            }
            guard case .number(let number) = entry, number >= 0 else {
                throw APIError.invalid(
                    .invalidValue,
                    "\(path.key(name)) must be a number of points, at least 0; found \(APIError.describe(entry))",
                    at: path.key(name))
            }
            result[name] = number
        }
        return result
    }
}

/// Reads submitted gradients: an object of tensors keyed by gradient (or layer) name.
struct SubmissionDecoder {
    var problem: Problem
    var tensors: TensorDecoder

    func gradients(_ value: JSONValue, at path: JSONPath) throws -> [(name: String, tensor: Tensor)] {
        let fields = try FieldReader(
            value, at: path, expected: "an object of gradients by name, e.g. {\"0.weight\": [[...]]}")
        return try fields.object.members.map { name, tensor in
            guard problem.gradableNames.contains(name) else {
                throw APIError.invalid(
                    .unknownGradient,
                    "\(path.key(name)) names no gradient; this problem has \(problem.gradableNamesText)",
                    at: path.key(name))
            }
            return (name, try tensors.decode(tensor, at: path.key(name)))
        }
    }

    /// `[{"id": "s1", "gradients": {...}}, ...]`; an id is a string or an integer (default: the index).
    func submissions(_ value: JSONValue, at path: JSONPath) throws -> [GradeRequest.Submission] {
        guard let elements = value.arrayElements else {
            throw APIError.wrongType(at: path, expected: "an array of {\"id\", \"gradients\"}", found: value)
        }
        return try elements.enumerated().map { i, element in
            let fields = try FieldReader(element, at: path.index(i), expected: "an object {\"id\", \"gradients\"}")
            try fields.rejectUnknownKeys(allowed: ["id", "gradients"], context: "a submission")
            let gradients = try self.gradients(
                fields.required("gradients", what: "the student's gradients by name"),
                at: path.index(i).key("gradients"))
            return GradeRequest.Submission(
                id: try id(fields.optional("id"), at: path.index(i).key("id")) ?? String(i), gradients: gradients)
        }
    }

    private func id(_ value: JSONValue?, at path: JSONPath) throws -> String? {
        guard let value else { return nil }
        switch value {
        case .string(let text): return text
        case .number: return String(try FieldReader.integer(value, at: path, range: Int.min...Int.max))
        default: throw APIError.wrongType(at: path, expected: "a string or an integer", found: value)
        }
    }
}
