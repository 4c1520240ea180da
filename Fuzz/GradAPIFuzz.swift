import GradAPI
import HTTP1

/// libFuzzer entry for the problem decoder and the API handlers, at the seam the server calls:
/// a request body in, an `HTTPResponse` out. The input is a route path, a line feed, then the body
/// (`/backward\n{...}`); inputs naming no POST route are skipped. Any body must be answered
/// with 200 or a 4xx JSON error (openapi.yaml, `Error`), never a 5xx and never a trap. The limits are
/// small so that no input can make one execution slow. /grade runs a second time as a
/// `grade:hidden` key would (access control on): then no answer may carry an expected value or
/// an error figure, whatever the body asks for.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGradAPI(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    guard let newline = input.firstIndex(of: UInt8(ascii: "\n")),
        let route = postRoutes[String(decoding: input[..<newline], as: UTF8.self)]
    else { return 0 }
    let body = Array(input[(newline + 1)...])
    let headers = HTTPHeaders([("Host", "fuzz"), ("Content-Type", "application/json")])
    let response = route.handler(
        HTTPRequest(method: "POST", target: route.path, headers: headers, body: body), RequestContext())
    guard response.status == 200 || (400..<500).contains(response.status.code) else {
        fatalError("\(route.path) answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
    }
    guard response.body.first == UInt8(ascii: "{") else {
        fatalError("\(route.path) answered \(response.status) without a JSON object body")
    }
    if route.path == "/grade" { checkHiddenGrant(route, body: body, headers: headers) }
    return 0
}

let hiddenGrant = AccessGrant(keyName: "fuzz", scopes: [.gradeHidden])

/// With only `grade:hidden`: 200 with hidden feedback or a 4xx, never an expected value.
private func checkHiddenGrant(_ route: Route, body: [UInt8], headers: HTTPHeaders) {
    let request = HTTPRequest(method: "POST", target: route.path, headers: headers, body: body)
    let response = route.handler(request, RequestContext(grant: hiddenGrant))
    let text = String(decoding: response.body, as: UTF8.self)
    guard response.status == 200 || (400..<500).contains(response.status.code) else {
        fatalError("grade:hidden answered \(response.status): \(text)")
    }
    for leak in [#""expected":"#, #""max_abs_error""#, "max abs error"] where text.contains(leak) {
        fatalError("grade:hidden got \(leak): \(text)")
    }
}

/// The POST routes by path.
let postRoutes: [String: Route] = {
    var configuration = APIConfiguration(maxTensorElements: 4_096, maxWork: 2_000_000)
    configuration.maxGradcheckWork = 200_000
    let routes = APIRoutes.all(configuration).filter { $0.method == "POST" }
    return Dictionary(uniqueKeysWithValues: routes.map { ($0.path, $0) })
}()
