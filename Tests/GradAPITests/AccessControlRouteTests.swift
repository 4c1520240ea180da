import HTTP1
import JSONCodec
import Testing

@testable import GradAPI

/// Every route of the API through the router with access control on: no key, a wrong key, a key
/// without the route's scope, a key with it (README.md "API keys").
@Suite struct AccessControlRouteTests {
    /// One key per scope, named after it (`key-compute-0123456789`), and one with every scope.
    static let keys: [APIKey] =
        AccessScope.allCases.map { scope in
            APIKey(name: scope.rawValue, secret: Array(secret(scope).utf8), scopes: [scope])
        } + [APIKey(name: "all", secret: Array("key-all-0123456789abc".utf8), scopes: Set(AccessScope.allCases))]

    static func secret(_ scope: AccessScope) -> String {
        "key-\(scope.rawValue.replacingOccurrences(of: ":", with: "-"))-0123456789"
    }

    static let routes = APIRoutes.all()
    static let router = Router(routes: routes, access: AccessControl(keys: keys))

    /// What each scoped route needs; everything else is open.
    static let expectedScopes: [String: [AccessScope]] = [
        "POST /forward": [.compute], "POST /backward": [.compute], "POST /grade": [.grade, .gradeHidden],
        "POST /explain": [.explain], "POST /gradcheck": [.gradcheck],
    ]

    private func resolve(_ route: Route, key: String?) -> Router.Resolution {
        var fields = [("Content-Type", "application/json")]
        if let key { fields.append(("Authorization", "Bearer \(key)")) }
        return Self.router.resolve(method: route.method.rawValue, path: route.path, headers: HTTPHeaders(fields))
    }

    private func status(_ resolution: Router.Resolution) -> Int? {
        switch resolution {
        case .reject(let error): error.status.code
        case .respond(let response): response.status.code
        case .handle: nil
        }
    }

    @Test func scopedRoutes_areExactlyTheContracts() {
        let scoped = Dictionary(
            uniqueKeysWithValues: Self.routes.filter { !$0.scopes.isEmpty }.map {
                ("\($0.method) \($0.path)", $0.scopes)
            })
        #expect(scoped == Self.expectedScopes)
        let open = Self.routes.filter(\.scopes.isEmpty)
        #expect(
            open.allSatisfy {
                $0.method == "GET" && ($0.path == "/" || $0.path == "/openapi.yaml" || $0.path.hasPrefix("/static/"))
            },
            "\(open.map { "\($0.method) \($0.path)" })")
    }

    @Test(arguments: expectedScopes.keys.sorted())
    func scopedRoute_noKeyWrongKeyOtherScopeRightScope(_ name: String) throws {
        let route = try #require(Self.routes.first { "\($0.method) \($0.path)" == name })
        let needed = try #require(Self.expectedScopes[name])
        #expect(status(resolve(route, key: nil)) == 401)
        #expect(status(resolve(route, key: "key-unknown-0123456789")) == 401)
        for scope in AccessScope.allCases where !needed.contains(scope) {
            guard case .reject(let error) = resolve(route, key: Self.secret(scope)) else {
                Issue.record("\(name) let in a key with only \(scope)")
                continue
            }
            #expect(error.status == 403)
            #expect(
                error.message.contains("needs scope \(needed.map(\.rawValue).joined(separator: " or "))"),
                "\(error.message)")
        }
        for scope in needed { #expect(status(resolve(route, key: Self.secret(scope))) == nil, "\(name) with \(scope)") }
        #expect(status(resolve(route, key: "key-all-0123456789abc")) == nil)
    }

    @Test func openRoutes_answerWithoutAKey() {
        for route in Self.routes where route.scopes.isEmpty {
            #expect(status(resolve(route, key: nil)) == nil, "\(route.path)")
            #expect(status(resolve(route, key: "key-unknown-0123456789")) == nil, "\(route.path)")
        }
    }
}

/// A `grade:hidden` key cannot obtain an expected value by any request form: full feedback, the
/// Gradescope format, `submissions`, a chosen tolerance, error paths, the other routes.
@Suite struct HiddenFeedbackAccessTests {
    static let student = APIKey(name: "section-a", secret: Array("student-0123456789abc".utf8), scopes: [.gradeHidden])
    static let grader = APIKey(name: "autograder", secret: Array("grader-0123456789abcd".utf8), scopes: [.grade])
    static let router = Router(routes: APIRoutes.all(), access: AccessControl(keys: [student, grader]))

    /// A problem whose gradients are values no count, index or shape can equal.
    static let problem = """
        "input": [[0.37, -1.21, 2.03], [0.58, 1.91, -0.44]],
        "layers": [{"type": "linear", "weight": [[0.113, -0.271, 0.349], [0.523, 0.157, -0.619]], "bias": [0.071, -0.033]}],
        "loss": {"type": "mse", "target": [[0.3, -0.7], [1.1, 0.2]]}
        """

    /// Every gradient value of the problem, from /backward with no access control.
    static let expectedValues: [Double] = {
        let call = try! GradeCall("/backward", "{\(problem)}")
        return call.json["gradients"]!.keys.flatMap { numbers(call.json["gradients"]![$0]!) }
    }()

    static func numbers(_ value: JSONValue) -> [Double] {
        switch value {
        case .number(let n): [n]
        case .numbers(let ns): ns
        case .numberBlock(let block): block.data
        case .array(let elements): elements.flatMap(numbers)
        case .object(let object): object.members.flatMap { numbers($0.value) }
        case .string(let text): numbersInText(text)
        case .null, .bool: []
        }
    }

    /// Decimal numbers written inside a message ("max abs error 0.0123").
    static func numbersInText(_ text: String) -> [Double] {
        text.split(whereSeparator: { !($0.isNumber || $0 == "." || $0 == "-" || $0 == "e" || $0 == "+") }).compactMap {
            Double($0)
        }
    }

    /// The answer to `body` at `path` with the student's key, through the router and the handler.
    static func send(_ path: String, _ body: String, key: APIKey = student) -> (
        status: Int, body: String, values: [Double]
    ) {
        let headers = HTTPHeaders([
            ("Content-Type", "application/json"),
            ("Authorization", "Bearer \(String(decoding: key.secret, as: UTF8.self))"),
        ])
        let response: HTTPResponse
        switch router.resolve(method: "POST", path: path, headers: headers) {
        case .reject(let error): response = error.response
        case .respond(let answer): response = answer
        case .handle(let route):
            response = route.handler(
                HTTPRequest(method: "POST", target: path, headers: headers, body: Array(body.utf8)), RequestContext())
        }
        let json = (try? parseJSON(response.body)) ?? .null
        return (response.status.code, String(decoding: response.body, as: UTF8.self), numbers(json))
    }

    /// No number in the answer equals an expected gradient value (to 1e-9 relative).
    static func leaks(_ values: [Double]) -> [Double] {
        values.filter { value in expectedValues.contains { abs($0 - value) <= 1e-9 * max(1, abs($0)) } }
    }

    static let wrong = #"{"0.weight": [[1, 1, 1], [1, 1, 1]], "0.bias": [0.5, 0.5]}"#
    /// Twice the expected weight gradient: a constant-factor mistake, which full feedback would name.
    static var doubled: String {
        let call = try! GradeCall("/backward", "{\(problem)}")
        let w = numbers(call.json["gradients"]!["0.weight"]!).map { 2 * $0 }
        return #"{"0.weight": [[\#(w[0]), \#(w[1]), \#(w[2])], [\#(w[3]), \#(w[4]), \#(w[5])]]}"#
    }

    @Test func theProblemsValues_areDistinctive() {
        #expect(Self.expectedValues.count == 14)
        #expect(Self.expectedValues.allSatisfy { $0 != $0.rounded() })
    }

    @Test(arguments: [
        #""submission": WRONG"#,
        #""submission": WRONG, "feedback": "full""#,
        #""submission": WRONG, "format": "gradescope""#,
        #""submission": WRONG, "format": "gradescope", "feedback": "full""#,
        #""submissions": [{"id": "s1", "gradients": WRONG}]"#,
        #""submissions": [{"id": "s1", "gradients": WRONG}], "format": "gradescope""#,
        #""submission": WRONG, "feedback": "hidden", "tolerance": {"atol": 1000}"#,
        #""submission": WRONG, "feedback": "hidden", "tolerance": {"rtol": 0.5}"#,
    ])
    func fullFeedbackOrAChosenTolerance_is403WithNoValue(_ members: String) {
        let answer = Self.send(
            "/grade", "{\(Self.problem), \(members.replacingOccurrences(of: "WRONG", with: Self.wrong))}")
        #expect(answer.status == 403, "\(answer.body)")
        #expect(answer.body.contains(#""code":"forbidden""#))
        #expect(Self.leaks(answer.values).isEmpty, "\(answer.body)")
    }

    @Test(arguments: [
        #""submission": WRONG, "feedback": "hidden""#,
        #""submission": DOUBLED, "feedback": "hidden""#,
        #""submission": WRONG, "feedback": "hidden", "format": "gradescope", "points": {"0.weight": 2}"#,
        #""submission": DOUBLED, "feedback": "hidden", "format": "gradescope""#,
        #""submissions": [{"id": "s1", "gradients": WRONG}, {"id": 2, "gradients": DOUBLED}], "feedback": "hidden""#,
        #""submissions": [{"id": "s1", "gradients": DOUBLED}], "feedback": "hidden", "format": "gradescope""#,
    ])
    func hiddenFeedback_isGradedWithNoExpectedValue(_ members: String) {
        let body = members.replacingOccurrences(of: "WRONG", with: Self.wrong).replacingOccurrences(
            of: "DOUBLED", with: Self.doubled)
        let answer = Self.send("/grade", "{\(Self.problem), \(body)}")
        #expect(answer.status == 200, "\(answer.body)")
        #expect(Self.leaks(answer.values).isEmpty, "\(answer.body)")
        #expect(!answer.body.contains("expected\""), "\(answer.body)")
        #expect(!answer.body.contains("max abs error") && !answer.body.contains("max_abs_error"), "\(answer.body)")
    }

    /// The same full-feedback request with the autograder's key does show the values: the check
    /// above would catch a leak.
    @Test func gradeScope_seesTheValuesTheStudentDoesNot() {
        let answer = Self.send("/grade", "{\(Self.problem), \"submission\": \(Self.wrong)}", key: Self.grader)
        #expect(answer.status == 200)
        #expect(!Self.leaks(answer.values).isEmpty)
    }

    @Test(arguments: [
        #"{PROBLEM, "submission": {"0.weight": [[1, 1], [1, 1]]}, "feedback": "hidden"}"#,
        #"{PROBLEM, "submission": {"nope": [1]}, "feedback": "hidden"}"#,
        #"{PROBLEM, "submission": {"0.weight": [[1, 1, 1], [1, 1, 1]]}, "feedback": "hidden", "points": {"nope": 1}}"#,
        #"{PROBLEM, "submission": {"0.weight": [[1, 1, 1], [1, 1, 1]]}, "feedback": "secret"}"#,
        #"{PROBLEM, "submission": {"0.weight": [[1, 1, 1], [1, 1, 1]]}, "feedback": "hidden", "format": "csv"}"#,
        #"{PROBLEM, "submission": {"0.weight": [[1e999, 1, 1], [1, 1, 1]]}, "feedback": "hidden"}"#,
        #"{PROBLEM, "feedback": "hidden"}"#,
        #"{PROBLEM, "submission": {}, "submissions": [], "feedback": "hidden"}"#,
        #"{PROBLEM, "submission": {"0.weight": [[1, 1, 1], [1, 1, 1]]}, "feedback": "hidden""#,
        #"{"input": [[1e308, 1e308, 1e308]], "layers": [{"type": "linear", "weight": [[1e308, 1e308, 1e308]]}], "loss": {"type": "mse", "target": [[1]]}, "submission": {"0.weight": [[1, 1, 1]]}, "feedback": "hidden"}"#,
    ])
    func errorPaths_carryNoExpectedValue(_ template: String) {
        let answer = Self.send("/grade", template.replacingOccurrences(of: "PROBLEM", with: Self.problem))
        #expect(answer.status != 500, "\(answer.body)")
        #expect(Self.leaks(answer.values).isEmpty, "\(answer.body)")
    }

    @Test(arguments: ["/forward", "/backward", "/explain", "/gradcheck"])
    func otherRoutes_are403(_ path: String) {
        let answer = Self.send(path, #"{\#(Self.problem), "of": "0.weight", "index": [0, 0]}"#)
        #expect(answer.status == 403, "\(answer.body)")
        #expect(Self.leaks(answer.values).isEmpty)
    }

    /// Without access control, a request's feedback is what it asks for, as before.
    @Test func withoutAccessControl_fullFeedbackIsServed() throws {
        let call = try GradeCall("/grade", "{\(Self.problem), \"submission\": \(Self.wrong)}")
        #expect(call.status == 200)
        #expect(!Self.leaks(Self.numbers(call.json)).isEmpty)
    }
}
