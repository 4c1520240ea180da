import GradClient
import Testing

/// HTTP/1.1 persistent connections (RFC 9112 §9.3) as a libcurl client sees them.
@Suite("Keep-alive", .liveServer)
struct KeepAliveTests {
    @Test("one client's requests, errors included, all go over one connection")
    func mixedRequests_reuseOneConnection() throws {
        let server = try LiveServer.require()
        let client = try Client(baseURL: server.baseURL)
        let seed = try ConformanceVector.load(ConformanceVector.allFileNames()[1])
        var responses: [HTTPResponse] = []
        for _ in 0..<4 {
            responses.append(try client.get("/healthz"))
            responses.append(try client.post(seed.endpoint, json: seed.body))
            responses.append(try client.post("/forward", json: #"{"input": [[1]], "layers": [{"type": "nope"}]}"#))
            responses.append(try client.get("/no-such-path"))
        }
        #expect(responses.map(\.status) == Array(repeating: [200, 200, 422, 404], count: 4).flatMap { $0 })
        #expect(responses.first?.reusedConnection == false)
        #expect(responses.dropFirst().allSatisfy { $0.reusedConnection }, "a request opened a new connection")
        #expect(Set(responses.map(\.localPort)).count == 1, "local ports: \(Set(responses.map(\.localPort)))")
    }

    @Test("a 400 for a body that is not JSON keeps the connection")
    func invalidJSON_keepsConnection() throws {
        let server = try LiveServer.require()
        let client = try Client(baseURL: server.baseURL)
        let bad = try client.post("/backward", json: "{\"input\": [1, 2")
        let good = try client.post("/forward", json: Problems.workedExample)
        #expect(bad.status == 400)
        #expect(good.status == 200)
        #expect(good.reusedConnection && good.localPort == bad.localPort)
    }
}
