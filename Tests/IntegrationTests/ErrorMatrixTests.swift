import Foundation
import GradClient
import Testing

/// One row of openapi.yaml's error table: a request and the answer it must get.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    let name: String
    let request: HTTPRequest
    let status: Int
    /// `error.code`, where the contract names one.
    let code: String?
    /// `error.path`, where one place in the request is at fault.
    var path: String? = nil
    /// A method the `Allow` header must list (405 only).
    var allowed: String? = nil

    var testDescription: String { name }

    static let all: [ErrorCase] = [
        ErrorCase(
            name: "body not JSON: 400 invalid_json", request: .post("/backward", json: Array("{\"input\": [1, 2".utf8)),
            status: 400, code: "invalid_json"),
        ErrorCase(
            name: "empty body: 400 invalid_json",
            request: HTTPRequest(method: "POST", path: "/forward", headers: [("Content-Type", "application/json")]),
            status: 400, code: "invalid_json"),
        ErrorCase(
            name: "NaN: 400 invalid_json",
            request: .post("/forward", json: Array(#"{"input": [NaN], "layers": []}"#.utf8)),
            status: 400, code: "invalid_json"),
        ErrorCase(
            name: "Content-Type text/plain: 415",
            request: HTTPRequest(
                method: "POST", path: "/forward", headers: [("Content-Type", "text/plain")],
                body: Array(Problems.workedExample.utf8)),
            status: 415, code: "unsupported_media_type"),
        ErrorCase(
            name: "no Content-Type: 415",
            request: HTTPRequest(
                method: "POST", path: "/backward", headers: [("Content-Type", "")],
                body: Array(Problems.workedExample.utf8)),
            status: 415, code: "unsupported_media_type"),
        ErrorCase(
            name: "stride not an integer: 422 at layers[0].stride",
            request: .post(
                "/forward",
                json: Array(
                    #"{"input": [[1, 2], [3, 4]], "layers": [{"type": "conv2d", "weight": [[1]], "stride": "two"}]}"#
                        .utf8)),
            status: 422, code: nil, path: "layers[0].stride"),
        ErrorCase(
            name: "unknown layer type: 422 at layers[1].type",
            request: .post(
                "/backward",
                json: Array(
                    #"{"input": [[1, 2], [3, 4]], "layers": [{"type": "relu"}, {"type": "softmax2000"}], "grad_output": [[1, 1], [1, 1]]}"#
                        .utf8)),
            status: 422, code: nil, path: "layers[1].type"),
        ErrorCase(
            name: "overflowing number: 422",
            request: .post("/forward", json: Array(#"{"input": [[1e999]], "layers": [{"type": "relu"}]}"#.utf8)),
            status: 422, code: nil),
        ErrorCase(name: "unknown path: 404", request: .get("/no-such-endpoint"), status: 404, code: nil),
        ErrorCase(
            name: "GET on a POST route: 405, Allow: POST", request: .get("/backward"), status: 405, code: nil,
            allowed: "POST"),
        ErrorCase(
            name: "POST on a GET route: 405, Allow: GET", request: .post("/healthz", json: Array("{}".utf8)),
            status: 405, code: nil, allowed: "GET"),
    ]
}

/// openapi.yaml's error table over a real connection: status, JSON body, path, Allow, CORS.
@Suite("Error matrix", .liveServer)
struct ErrorMatrixTests {
    @Test("each error gets its status and a JSON error body", arguments: ErrorCase.all)
    func errorCase_getsStatusAndJSONBody(_ errorCase: ErrorCase) throws {
        let server = try LiveServer.require()
        let response = try Client(baseURL: server.baseURL).send(errorCase.request)
        #expect(response.status == errorCase.status, "\(response.status): \(response.text)")
        #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
        #expect(response.header("Access-Control-Allow-Origin") != nil)
        let error = try JSONTree.apiError(response.body)
        #expect(!error.message.isEmpty)
        if let code = errorCase.code { #expect(error.code == code) }
        if let path = errorCase.path { #expect(error.path == path, "message: \(error.message)") }
        if let allowed = errorCase.allowed {
            let allow = response.header("Allow") ?? ""
            #expect(
                allow.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.contains(allowed),
                "Allow: \(allow)")
        }
    }
}
