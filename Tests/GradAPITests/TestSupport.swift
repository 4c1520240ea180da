import Foundation
import HTTP1
import Testing

@testable import GradAPI

/// Paths found from this file, not Bundle.module (TEAM.md).
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let vectors = root.appendingPathComponent("Tests/Fixtures/conformance/vectors")
    static let openAPI = root.appendingPathComponent("openapi.yaml")
}

/// Calls a route's handler directly: the seam every API test goes through.
struct APIClient {
    var routes: [Route]

    init(_ configuration: APIConfiguration = APIConfiguration()) { routes = APIRoutes.all(configuration) }

    func send(
        _ method: String, _ path: String, body: [UInt8] = [], contentType: String? = "application/json"
    ) throws -> HTTPResponse {
        let route = try #require(
            routes.first { $0.method.rawValue == method && $0.path == path }, "no route \(method) \(path)")
        var headers = HTTPHeaders([("Host", "localhost")])
        if let contentType { headers.add("Content-Type", contentType) }
        return route.handler(HTTPRequest(method: method, target: path, headers: headers, body: body), RequestContext())
    }

    func post(_ path: String, _ body: String, contentType: String? = "application/json") throws -> HTTPResponse {
        try send("POST", path, body: Array(body.utf8), contentType: contentType)
    }
}

/// Reads JSON with Foundation, independently of the team's parser, so a shared mistake cannot hide.
enum FoundationJSON {
    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as? [String: Any])
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    /// `error.code` and `error.path` of an error body.
    func errorCodeAndPath() throws -> (code: String, path: String?, message: String) {
        let error = try #require(
            try FoundationJSON.object(body)["error"] as? [String: Any], "not an error body: \(text)")
        return (try #require(error["code"] as? String), error["path"] as? String, error["message"] as? String ?? "")
    }
}
