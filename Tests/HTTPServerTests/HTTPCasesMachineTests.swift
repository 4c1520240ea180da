import Testing

@testable import HTTPServer

/// The rows of docs/HTTP-CASES.md "Requests" (`HTTPCasesTests.rows`) through the connection and its
/// `ConnectionMachine` on a socket pair, driven by hand: no listener, no loopback, no sleeps.
/// "+close" rows must end with the write side shut (EOF) after the response; the others must
/// answer a next request on the same connection.
@Suite struct HTTPCasesMachineTests {
    @Test(arguments: HTTPCasesTests.rows)
    func row_isAnsweredAsSpecified(_ row: HTTPCasesTests.Row) {
        let harness = ConnectionHarness(routes: TestServer.routes(gate: Gate(), probe: Probe()))
        harness.onLoop {
            harness.clientSends(row.raw)
            harness.connection.readAvailable()
        }
        let answer = harness.clientAwaits(responses: 1)
        #expect(ConnectionHarness.statuses(answer) == [row.status], "\(answer)")
        #expect(answer.contains("Connection: close") == row.closes)
        if row.closes {
            #expect(harness.onLoop { harness.connection.state } == .lingering)
            #expect(harness.clientSeesEOF())
        } else {
            harness.onLoop {
                harness.clientSends("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                harness.connection.readAvailable()
            }
            #expect(ConnectionHarness.statuses(harness.clientAwaits(responses: 1)) == [200])
        }
    }
}
