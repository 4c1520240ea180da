import GradClient
import Testing

/// Every PyTorch reference vector, sent over loopback to the real server through GradClient.
@Suite("Conformance vectors end to end", .liveServer)
struct ConformanceTests {
    @Test("the fixture folder holds all 235 vectors (the contract's 192 and make_vectors.py's 43)")
    func allVectorsPresent() {
        #expect(ConformanceVector.allFileNames().count == 235)
    }

    @Test("the server's answer matches PyTorch float64", arguments: ConformanceVector.allFileNames())
    func vectorMatchesPyTorch(fileName: String) throws {
        let server = try LiveServer.require()
        let vector = try ConformanceVector.load(fileName)
        let client = try Client(baseURL: server.baseURL)
        let response = try client.post(vector.endpoint, json: vector.body)
        try #require(response.status == 200, "\(vector.name): HTTP \(response.status): \(response.text)")
        #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)

        let failures = try ResponseCheck.failures(of: response.body, against: vector)
        #expect(failures.isEmpty, "\(vector.name):\n\(failures.joined(separator: "\n"))")
        if vector.checkShortest {
            let overlong = ShortestNumbers.firstOverlong(in: response.body)
            #expect(overlong == nil, "\(vector.name): \(overlong ?? "") is not in shortest round-trip form")
        }
        if vector.repeatRequest {
            let again = try client.post(vector.endpoint, json: vector.body)
            #expect(again.body == response.body, "\(vector.name): a repeated request got different bytes")
        }
    }
}
