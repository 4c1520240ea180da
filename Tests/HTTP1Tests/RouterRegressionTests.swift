import Testing

@testable import HTTP1

/// Found by schemathesis (scripts/schemathesis, check `unsupported_method`): QUERY, the safe method
/// with a body (IANA HTTP Method Registry, draft-ietf-httpbis-safe-method-w-body), was answered 501
/// as if unknown. A registered method on a route that does not take it is 405 with `Allow`; only
/// methods nobody registered stay 501 (RFC 9110 §9.1, §15.5.6).
@Suite struct RouterRegressionTests {
    let router = Router(routes: [Route("POST", "/forward", lane: .compute) { _, _ in HTTPResponse(status: 200) }])

    @Test func queryOnAPostRoute_is405WithAllow() {
        guard case .reject(let error) = router.resolve(method: "QUERY", path: "/forward", headers: HTTPHeaders()) else {
            Issue.record("QUERY /forward was not rejected")
            return
        }
        #expect(error.status == 405)
        #expect(error.headers["Allow"] == "POST, OPTIONS")
    }

    @Test func unregisteredMethod_staysNotImplemented() {
        guard case .reject(let error) = router.resolve(method: "FOO", path: "/forward", headers: HTTPHeaders()) else {
            Issue.record("FOO /forward was not rejected")
            return
        }
        #expect(error.status == 501)
    }
}
