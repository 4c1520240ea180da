import Testing

@testable import HTTP1

@Suite struct RouterTests {
    static let ok: Handler = { _, _ in .json(200, []) }
    let router = Router(routes: [
        Route("GET", "/healthz", lane: .inline, handler: ok),
        Route("POST", "/forward", lane: .compute, handler: ok),
        Route("POST", "/raw", lane: .compute, accepts: nil, handler: ok),
    ])

    private func resolve(_ method: String, _ path: String, _ fields: [(String, String)] = []) -> Router.Resolution {
        router.resolve(method: method, path: path, headers: HTTPHeaders(fields))
    }

    private func error(_ resolution: Router.Resolution) -> HTTPError? {
        if case .reject(let error) = resolution { return error }
        return nil
    }

    @Test func knownRoute_isHandled() {
        guard case .handle(let route) = resolve("POST", "/forward", [("Content-Type", "application/json")]) else {
            Issue.record("not handled")
            return
        }
        #expect(route.lane == .compute)
    }

    @Test func unknownPath_is404() { #expect(error(resolve("GET", "/nope"))?.status == 404) }

    @Test func wrongMethod_is405WithAllow() {
        let rejected = error(resolve("DELETE", "/forward"))
        #expect(rejected?.status == 405)
        #expect(rejected?.headers["Allow"] == "POST, OPTIONS")
        #expect(error(resolve("POST", "/healthz"))?.headers["Allow"] == "GET, HEAD, OPTIONS")
    }

    @Test func unknownMethod_is501() {
        #expect(error(resolve("FOO", "/forward"))?.status == 501)
        #expect(error(resolve("FOO", "/nope"))?.code == "not_implemented")
    }

    @Test func headOnGetRoute_usesGetsHandler() {
        guard case .handle(let route) = resolve("HEAD", "/healthz") else {
            Issue.record("not handled")
            return
        }
        #expect(route.method == "GET")
    }

    @Test func postWithoutJSONContentType_is415() {
        #expect(error(resolve("POST", "/forward"))?.status == 415)
        #expect(error(resolve("POST", "/forward", [("Content-Type", "text/plain")]))?.code == "unsupported_media_type")
        #expect(error(resolve("POST", "/forward", [("Content-Type", "Application/JSON; charset=utf-8")])) == nil)
        #expect(error(resolve("POST", "/raw", [("Content-Type", "text/plain")])) == nil)
    }

    @Test func preflight_is204WithCORSFields() {
        guard
            case .respond(let response) = resolve(
                "OPTIONS", "/forward",
                [
                    ("Origin", "https://x"), ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "content-type, x-trace"),
                ])
        else {
            Issue.record("no preflight")
            return
        }
        #expect(response.status == 204)
        #expect(response.headers["Access-Control-Allow-Methods"] == "POST, OPTIONS")
        #expect(response.headers["Access-Control-Allow-Headers"] == "content-type, x-trace")
        #expect(response.headers["Access-Control-Max-Age"] == "7200")
    }

    @Test func preflightWithoutRequestedHeaders_allowsContentType() {
        guard case .respond(let response) = resolve("OPTIONS", "*") else {
            Issue.record("no preflight")
            return
        }
        #expect(response.headers["Access-Control-Allow-Headers"] == "Content-Type")
        #expect(response.headers["Allow"] == "GET, HEAD, POST, OPTIONS")
    }

    @Test func preflightOnUnknownPath_is404() { #expect(error(resolve("OPTIONS", "/nope"))?.status == 404) }

    @Test func postRoutesDefaultToJSON_othersAcceptAnything() {
        #expect(Route("POST", "/a", lane: .compute, handler: Self.ok).acceptedMediaType == "application/json")
        #expect(Route("GET", "/a", lane: .inline, handler: Self.ok).acceptedMediaType == nil)
    }
}
