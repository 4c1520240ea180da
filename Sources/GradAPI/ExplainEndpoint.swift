import ConvEngine
import Grading
import HTTP1
import JSONCodec

/// POST /explain (openapi.yaml): the chain rule for one element of one gradient.
enum ExplainEndpoint {
    static let keys = ["of", "index"]

    static func explain(_ request: HTTPRequest, _ context: RequestContext, _ configuration: APIConfiguration)
        -> HTTPResponse
    {
        APIEndpoint.respond(to: request) {
            let (problem, object) = try Problem.decode(
                body: request.body, configuration: configuration, extraKeys: keys)
            let fields = FieldReader(object, at: .root)
            let of = try name(fields, problem)
            let index = try Self.index(fields)
            let solution = try problem.solve(cancel: context.isCancelled)
            let explanation: Explanation
            do {
                explanation = try solution.explain(of: of, index: index)
            } catch let error as ExplainError {
                throw APIError.invalid(
                    error.field == "of" ? .unknownGradient : .invalidIndex, error.message, at: JSONPath(error.field))
            }
            guard explanation.terms.count <= configuration.maxExplainTerms else {
                throw APIError.tooLarge(
                    "\(of)\(index) sums \(explanation.terms.count) terms; the server lists at most \(configuration.maxExplainTerms)",
                    at: JSONPath("index"))
            }
            return ExplainResponse.write(explanation)
        }
    }

    /// `"of"`: a gradient name or a layer name.
    private static func name(_ fields: FieldReader, _ problem: Problem) throws -> String {
        let value = try fields.required("of", what: "the gradient to explain: \(problem.gradableNamesText)")
        guard case .string(let name) = value else {
            throw APIError.wrongType(at: JSONPath("of"), expected: "a gradient or layer name", found: value)
        }
        guard problem.gradableNames.contains(name) else {
            throw APIError.invalid(
                .unknownGradient,
                "of is \"\(name)\", which names no gradient; this problem has \(problem.gradableNamesText)",
                at: JSONPath("of"))
        }
        return name
    }

    /// `"index"`: the element, `[i, j, ...]` in the rank the request wrote the tensor in (a bare
    /// integer for a 1-D tensor).
    private static func index(_ fields: FieldReader) throws -> [Int] {
        let path = JSONPath("index")
        let value = try fields.required("index", what: "the element to explain, e.g. [0, 0]")
        if case .number = value {
            return [try FieldReader.integer(value, at: path, range: 0...FieldReader.largestInteger)]
        }
        guard let elements = value.arrayElements else {
            throw APIError.wrongType(at: path, expected: "an array of integers, e.g. [0, 0]", found: value)
        }
        return try elements.enumerated().map { i, element in
            try FieldReader.integer(element, at: path.index(i), range: 0...FieldReader.largestInteger)
        }
    }
}

/// `{"of", "index", "value", "formula", "board", "terms": [{"upstream", "local", "product"}]}`;
/// a factor is `{"of", "index"?, "value", "padding"? (only when true), "formula"?}`.
enum ExplainResponse {
    static func write(_ e: Explanation) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 256 + 160 * e.terms.count)
        writer.beginObject()
        writer.key("of")
        writer.string(e.of)
        writer.key("index")
        GradeResponse.integers(&writer, e.index)
        writer.key("value")
        writer.number(e.value)
        writer.key("formula")
        writer.string(e.formula)
        writer.key("board")
        writer.string(e.board)
        writer.key("terms")
        writer.beginArray()
        for term in e.terms {
            writer.beginObject()
            writer.key("upstream")
            factor(&writer, term.upstream)
            writer.key("local")
            factor(&writer, term.local)
            writer.key("product")
            GradeResponse.number(&writer, term.product)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    private static func factor(_ writer: inout JSONWriter, _ f: ExplainFactor) {
        writer.beginObject()
        writer.key("of")
        writer.string(f.of)
        if let index = f.index {
            writer.key("index")
            GradeResponse.integers(&writer, index)
        }
        writer.key("value")
        GradeResponse.number(&writer, f.value)
        if f.padding {
            writer.key("padding")
            writer.bool(true)
        }
        if let formula = f.formula {
            writer.key("formula")
            writer.string(formula)
        }
        writer.endObject()
    }
}
