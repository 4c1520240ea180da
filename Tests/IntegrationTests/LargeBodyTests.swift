import GradClient
import Testing

/// Bodies over 1 MiB, for which libcurl sends `Expect: 100-continue` and, without an answer,
/// waits a full second before sending the body anyway (docs/HTTP-CASES.md, RFC 9110 §10.1.1).
@Suite("Bodies over 1 MiB", .liveServer)
struct LargeBodyTests {
    /// libcurl sends the body as soon as `100 Continue` arrives, instead of after its one-second
    /// wait (ExpectStallDetectionTests shows that wait): the interim status is what spares the
    /// stall, so it is what these tests check. (A bound on the elapsed time measured the machine
    /// rather than the server: 0.6-4.7 s under sanitizers on a loaded host.)
    @Test("a 1.3 MB body gets 100 Continue, then its answer")
    func largeBody_getsContinue_withoutStall() throws {
        let client = try Client(baseURL: try LiveServer.require().baseURL)
        let body = Array(Problems.largeForward().utf8)
        try #require(body.count > 1 << 20)
        let response = try client.post("/forward", json: body)
        #expect(response.status == 200, "\(response.status): \(response.text.prefix(300))")
        #expect(response.interimStatuses == [100], "the server sent no 100 Continue")
        let answer = try JSONTree.object(response.body)
        let output = try Tensor(response: answer["output"], form: .nested, "output")
        #expect(output.shape == [1, 1, 64, 64])
        #expect(output.data.allSatisfy { $0 == 0.25 })
    }

    @Test("a large body with the wrong Content-Type is refused without 100 Continue")
    func largeBodyWrongType_refusedAtOnce() throws {
        let client = try Client(baseURL: try LiveServer.require().baseURL)
        let request = HTTPRequest(
            method: "POST", path: "/forward", headers: [("Content-Type", "text/plain")],
            body: Array(Problems.largeForward().utf8))
        let response = try client.send(request)
        #expect(response.status == 415)
        #expect(response.interimStatuses.isEmpty, "the server sent 100 Continue for a body it refuses")
    }
}
