import HTTP1
import JSONCodec
import Testing

@testable import GradAPI

/// Calls a route through the handler seam (no socket) and reads the JSON answer.
struct GradeCall {
    var status: Int
    var body: [UInt8]
    var json: JSONValue

    init(_ path: String, _ body: String, configuration: APIConfiguration = APIConfiguration()) throws {
        let route = try #require(APIRoutes.all(configuration).first { $0.method == "POST" && $0.path == path })
        let request = HTTPRequest(
            method: "POST", target: path, headers: HTTPHeaders([("Content-Type", "application/json")]),
            body: Array(body.utf8))
        let response = route.handler(request, RequestContext())
        status = response.status.code
        self.body = response.body
        json = try parseJSON(response.body)
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The error's code and path, for a 4xx.
    var error: (code: String?, path: String?) {
        (json["error"]?["code"]?.stringValue, json["error"]?["path"]?.stringValue)
    }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? { objectValue?[key] }
    subscript(index: Int) -> JSONValue? {
        guard let elements = arrayElements, index < elements.count else { return nil }
        return elements[index]
    }
    var keys: [String] { objectValue?.keys ?? [] }
    var numbersValue: [Double]? { arrayElements?.compactMap(\.numberValue) }
}

/// The lesson's worked example (openapi.yaml), with extra members spliced in.
enum GradeBodies {
    static let lessonProblem = """
        "input": [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]],
        "layers": [
          {"type": "conv2d", "weight": [[1, 0], [0, -1]], "bias": [0.5], "stride": 2},
          {"type": "flatten"},
          {"type": "linear", "weight": [[0.1, 0.2, 0.3, 0.4]], "bias": [0]}
        ],
        "loss": {"type": "mse", "target": [[1.0]]}
        """

    static func lesson(_ extra: String) -> String { "{\(lessonProblem), \(extra)}" }

    /// By hand: z = -4.5 everywhere, dL/dy_hat = -11, dL/dz = -11 * [0.1, 0.2, 0.3, 0.4],
    /// dW[a][b] = sum over i,j of dL/dz[i][j] * x[2i+a][2j+b].
    static let weightGradient = "[[-85.8, -96.8], [-129.8, -140.8]]"
    static let flippedWeightGradient = "[[-140.8, -129.8], [-96.8, -85.8]]"
    static let denseWeightGradient = "[[49.5, 49.5, 49.5, 49.5]]"
}
