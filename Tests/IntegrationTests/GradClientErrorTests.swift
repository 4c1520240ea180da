import Foundation
import GradClient
import Testing

/// GradClient's typed errors, against sockets that misbehave on purpose (no gradserver needed).
@Suite("GradClient errors")
struct GradClientErrorTests {
    @Test("a port with no listener is cannotConnect")
    func closedPort_isCannotConnect() throws {
        let client = try GradClient(baseURL: "http://127.0.0.1:\(try SilentListener.unusedPort())")
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
        let client = try GradClient(baseURL: "http://127.0.0.1:\(listener.port)", configuration: configuration)
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
        let response = HTTPResponse(status: 200, headers: [("Content-Type", "application/json"), ("content-type", "text/plain")])
        #expect(response.header("CONTENT-TYPE") == "application/json")
        #expect(response.header("Allow") == nil)
    }
}

/// A loopback socket that listens but never accepts: the kernel completes the TCP handshake, so a
/// client connects and then waits for an answer that never comes.
final class SilentListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let descriptor = self.descriptor
        let ready = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && listen(descriptor, 8) == 0
                    && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard ready else { throw FixtureError("cannot listen on loopback") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }

    /// A loopback port nothing listens on: bound to learn a free number, then closed.
    static func unusedPort() throws -> Int {
        let probe = try SilentListener()
        probe.close()
        return probe.port
    }
}
