import Foundation
import GradClient
import Testing

/// GradClient's typed errors, against sockets that misbehave on purpose (no gradserver needed).
@Suite("GradClient errors")
struct GradClientErrorTests {
    @Test("a port with no listener is cannotConnect")
    func closedPort_isCannotConnect() throws {
        let client = try Client(baseURL: "http://127.0.0.1:\(try SilentListener.unusedPort())")
        #expect {
            _ = try client.get("/healthz")
        } throws: { error in
            guard case GradClientError.cannotConnect = error else { return false }
            return true
        }
    }

    @Test("a server that accepts but never answers is timedOut")
    func silentServer_isTimedOut() throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let configuration = ClientConfiguration(connectTimeout: .seconds(2), totalTimeout: .milliseconds(300))
        let client = try Client(baseURL: "http://127.0.0.1:\(listener.port)", configuration: configuration)
        #expect {
            _ = try client.post("/forward", json: Problems.workedExample)
        } throws: { error in
            guard case GradClientError.timedOut = error else { return false }
            return true
        }
    }

    @Test("requireSuccess passes 2xx through and throws httpStatus otherwise")
    func requireSuccess_throwsOnlyForNon2xx() throws {
        #expect(try HTTPResponse(status: 204).requireSuccess().status == 204)
        #expect {
            _ = try HTTPResponse(status: 422, body: Array("{}".utf8)).requireSuccess()
        } throws: { error in
            guard case GradClientError.httpStatus(let response) = error else { return false }
            return response.status == 422
        }
    }

    @Test("header lookup ignores case and takes the first field")
    func headerLookup_ignoresCase() {
        let response = HTTPResponse(
            status: 200, headers: [("Content-Type", "application/json"), ("content-type", "text/plain")])
        #expect(response.header("CONTENT-TYPE") == "application/json")
        #expect(response.header("Allow") == nil)
    }
}

/// The stall the large-body tests look for, shown on a server that never sends `100 Continue`:
/// libcurl holds the body back for its one-second Expect timeout, and `firstByteSeconds -
/// requestStartSeconds` shows it. This keeps the large-body tests' bound honest.
@Suite("Expect: 100-continue stall detection")
struct ExpectStallDetectionTests {
    @Test("without 100 Continue, a large body waits about one second")
    func serverWithoutContinue_stallsOneSecond() throws {
        let server = try NoContinueServer()
        defer { server.close() }
        let client = try Client(baseURL: "http://127.0.0.1:\(server.listener.port)")
        let response = try client.post("/forward", json: Problems.largeForward())
        #expect(response.status == 200)
        #expect(response.interimStatuses.isEmpty)
        #expect(response.firstByteSeconds - response.requestStartSeconds >= 0.9)
    }
}
