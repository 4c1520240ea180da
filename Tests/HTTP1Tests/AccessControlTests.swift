import Dispatch
import Testing

@testable import HTTP1

/// The router with access control on: 401/403/429 from the header section, before 415, the body
/// and compute admission; open routes stay open (README.md "API keys").
@Suite struct AccessControlTests {
    static let ok: Handler = { _, context in .json(200, Array((context.grant?.keyName ?? "none").utf8)) }
    static let keys = [
        APIKey(name: "grader", secret: Array("grader-key-0123456789".utf8), scopes: [.compute, .grade]),
        APIKey(name: "student", secret: Array("student-key-012345678".utf8), scopes: [.gradeHidden]),
    ]
    let router = Router(
        routes: [
            Route("GET", "/healthz", lane: .inline, handler: ok),
            Route("POST", "/forward", lane: .compute, handler: ok).requiring(.compute),
            Route("POST", "/grade", lane: .compute, handler: ok).requiring(.grade, .gradeHidden),
            Route("GET", "/metrics", lane: .inline, handler: ok).requiring(.metrics),
        ], access: AccessControl(keys: keys))

    private func resolve(_ method: String, _ path: String, key: String?, _ fields: [(String, String)] = [])
        -> Router.Resolution
    {
        var headers = fields
        if method == "POST" { headers.append(("Content-Type", "application/json")) }
        if let key { headers.append(("Authorization", "Bearer \(key)")) }
        return router.resolve(method: method, path: path, headers: HTTPHeaders(headers))
    }

    private func rejection(_ resolution: Router.Resolution) -> HTTPError? {
        if case .reject(let error) = resolution { return error }
        return nil
    }

    /// The handler's answer for a handled request: the key name it saw in `RequestContext.grant`.
    private func grantSeen(_ resolution: Router.Resolution) -> String? {
        guard case .handle(let route) = resolution else { return nil }
        return String(
            decoding: route.handler(HTTPRequest(method: route.method.rawValue, target: route.path), RequestContext())
                .body,
            as: UTF8.self)
    }

    @Test func noKey_is401WithBearerChallengeAndNoErrorCode() {
        let error = rejection(resolve("POST", "/forward", key: nil))
        #expect(error?.status == 401)
        #expect(error?.code == "unauthorized")
        #expect(error?.closesConnection == false)
        #expect(error?.headers["WWW-Authenticate"] == #"Bearer realm="convgrad""#)
    }

    @Test func wrongKey_is401InvalidTokenWithoutEchoingIt() {
        let error = rejection(resolve("POST", "/forward", key: "not-a-key-of-this-server"))
        #expect(error?.status == 401)
        #expect(error?.headers["WWW-Authenticate"]?.contains(#"error="invalid_token""#) == true)
        #expect(error?.message.contains("not-a-key") == false)
        #expect(error?.headers["WWW-Authenticate"]?.contains("not-a-key") == false)
    }

    @Test func otherSchemeOrMalformedOrTwoFields_are401() {
        let cases: [[(String, String)]] = [
            [("Authorization", "Basic Z3JhZGVyOng=")],
            [("Authorization", "Bearer")],
            [("Authorization", "Bearer a b")],
            [("Authorization", "Bearer grader-key-0123456789 ")],
            [("Authorization", "Bearer grader-key-0123456789"), ("Authorization", "Bearer grader-key-0123456789")],
            [("Authorization", "Bearergrader-key-0123456789")],
        ]
        for fields in cases {
            #expect(rejection(resolve("POST", "/forward", key: nil, fields))?.status == 401, "\(fields)")
        }
    }

    @Test func tokenLongerThanAnyKey_is401Unread() {
        let long = "grader-key-0123456789" + String(repeating: "a", count: AccessControl.maximumKeyBytes)
        let error = rejection(resolve("POST", "/forward", key: long))
        #expect(error?.status == 401)
        #expect(error?.headers["WWW-Authenticate"]?.contains("invalid_token") == true)
    }

    @Test func schemeIsCaseInsensitive_andSpacesMayRepeat() {
        #expect(
            grantSeen(resolve("POST", "/forward", key: nil, [("Authorization", "bEaReR   grader-key-0123456789")]))
                == "grader")
    }

    @Test func keyWithoutScope_is403NamingTheScope() {
        let error = rejection(resolve("POST", "/forward", key: "student-key-012345678"))
        #expect(error?.status == 403)
        #expect(error?.code == "forbidden")
        #expect(error?.message.contains("needs scope compute") == true)
        #expect(error?.message.contains("student-key") == false)
        #expect(
            error?.headers["WWW-Authenticate"]
                == #"Bearer realm="convgrad", error="insufficient_scope", scope="compute""#)
        #expect(
            rejection(resolve("GET", "/metrics", key: "grader-key-0123456789"))?.message.contains("needs scope metrics")
                == true)
    }

    @Test func rightScope_isHandledWithTheGrant() {
        #expect(grantSeen(resolve("POST", "/forward", key: "grader-key-0123456789")) == "grader")
        #expect(grantSeen(resolve("POST", "/grade", key: "grader-key-0123456789")) == "grader")
        #expect(grantSeen(resolve("POST", "/grade", key: "student-key-012345678")) == "student")
        #expect(grantSeen(resolve("HEAD", "/metrics", key: "student-key-012345678")) == nil)
    }

    @Test func openRoutesAndPreflight_needNoKey() {
        #expect(grantSeen(resolve("GET", "/healthz", key: nil)) == "none")
        #expect(grantSeen(resolve("GET", "/healthz", key: "wrong-key-wrong-key")) == "none")
        guard case .respond(let response) = resolve("OPTIONS", "/forward", key: nil) else {
            Issue.record("no preflight")
            return
        }
        #expect(response.headers["Access-Control-Allow-Headers"] == "Content-Type, Authorization")
    }

    @Test func authorizationComesBefore415And404And405After() {
        #expect(rejection(router.resolve(method: "POST", path: "/forward", headers: HTTPHeaders()))?.status == 401)
        #expect(rejection(resolve("POST", "/nope", key: nil))?.status == 404)
        #expect(rejection(resolve("GET", "/forward", key: nil))?.status == 405)
        let wrongType = router.resolve(
            method: "POST", path: "/forward",
            headers: HTTPHeaders([
                ("Authorization", "Bearer grader-key-0123456789"), ("Content-Type", "text/plain"),
            ]))
        #expect(rejection(wrongType)?.status == 415)
    }

    @Test func withoutAccessControl_scopedRoutesAreOpen() {
        let open = Router(routes: [Route("POST", "/forward", lane: .compute, handler: Self.ok).requiring(.compute)])
        guard
            case .handle(let route) = open.resolve(
                method: "POST", path: "/forward", headers: HTTPHeaders([("Content-Type", "application/json")]))
        else {
            Issue.record("not handled")
            return
        }
        #expect(
            route.handler(HTTPRequest(method: "POST", target: "/forward"), RequestContext()).body == Array("none".utf8))
    }

    @Test func replace_swapsKeysAtOnce() {
        let access = AccessControl(keys: Self.keys)
        let route = Route("POST", "/forward", lane: .compute, handler: Self.ok).requiring(.compute)
        let old = HTTPHeaders([("Authorization", "Bearer grader-key-0123456789")])
        let new = HTTPHeaders([("Authorization", "Bearer rotated-key-0123456789")])
        #expect((try? access.authorize(old, for: route).get()) != nil)
        access.replace(keys: [APIKey(name: "grader", secret: Array("rotated-key-0123456789".utf8), scopes: [.compute])])
        #expect((try? access.authorize(old, for: route).get()) == nil)
        #expect((try? access.authorize(new, for: route).get())?.keyName == "grader")
        #expect(access.keyNames == ["grader"])
    }

    @Test func apiKeyDescription_neverShowsTheSecret() {
        let key = APIKey(name: "grader", secret: Array("grader-key-0123456789".utf8), scopes: [.grade, .compute])
        #expect("\(key)" == "APIKey(grader, scopes: compute grade)")
        #expect(!String(reflecting: key).contains("grader-key"))
    }
}

@Suite struct BearerTokenTests {
    @Test func b64token_acceptsRFC6750CharactersAndPadding() {
        #expect(BearerToken.isB64Token(Array("aZ09-._~+/==".utf8)))
        #expect(!BearerToken.isB64Token(Array("==".utf8)))
        #expect(!BearerToken.isB64Token(Array("a=b".utf8)))
        #expect(!BearerToken.isB64Token(Array("a b".utf8)))
        #expect(!BearerToken.isB64Token(Array("é".utf8)))
        #expect(!BearerToken.isB64Token([]))
    }

    @Test func parse_readsOneBearerField() {
        #expect(BearerToken.parse("Bearer abc") == .success(Array("abc".utf8)))
        #expect(BearerToken.parse("Basic abc") == .failure(.missing))
        #expect(BearerToken.parse("Bearer") == .failure(.missing))
        #expect(BearerToken.parse("Bearer ") == .failure(.malformed))
        #expect(BearerToken.parse("Bearer a,b") == .failure(.malformed))
        #expect(BearerToken.parse(HTTPHeaders()) == .failure(.missing))
    }

    @Test func constantTimeEquals_comparesWholeKeys() {
        let secret = Array("grader-key-0123456789".utf8)
        #expect(ConstantTime.equals(secret, secret))
        #expect(!ConstantTime.equals(Array("grader-key-012345678".utf8), secret))  // a prefix
        #expect(!ConstantTime.equals(Array("grader-key-01234567890".utf8), secret))  // longer
        #expect(!ConstantTime.equals(Array("grader-key-0123456788".utf8), secret))  // last byte
        #expect(!ConstantTime.equals(secret + secret, secret))  // the secret twice (modulo indexing)
        #expect(!ConstantTime.equals([], secret))
        #expect(!ConstantTime.equals([], []))
    }
}

@Suite struct TokenBucketTests {
    static let route = Route("POST", "/grade", lane: .compute) { _, _ in .json(200, []) }.requiring(.grade)

    @Test func bucket_allowsBurstThenRefillsAtRate() {
        var bucket = TokenBucket(RateLimit(rate: 2, burst: 3), now: 0)
        #expect((0..<3).map { _ in bucket.take(now: 0) } == [nil, nil, nil])
        #expect(bucket.take(now: 0) == 0.5)  // one token takes 1/rate seconds
        #expect(bucket.take(now: 0.25) == 0.25)
        #expect(bucket.take(now: 0.5) == nil)
        #expect(bucket.take(now: 100) == nil)  // refills to burst, never beyond
        #expect(bucket.take(now: 100) == nil)
        #expect(bucket.take(now: 100) == nil)
        #expect(bucket.take(now: 100) != nil)
        #expect(bucket.take(now: 50) != nil)  // a clock stepping back adds nothing
    }

    @Test func burstDefaultsToOneSecondOfRate() {
        #expect(RateLimit(rate: 5).burst == 5)
        #expect(RateLimit(rate: 0.1).burst == 1)
    }

    @Test func overTheLimit_is429WithRetryAfterAndTheKeyName() {
        let clock = ManualClock()
        let access = AccessControl(
            keys: [
                APIKey(
                    name: "s1", secret: Array("student-key-012345678".utf8), scopes: [.grade],
                    rateLimit: RateLimit(rate: 0.25, burst: 1))
            ], clock: clock.now)
        let headers = HTTPHeaders([("Authorization", "Bearer student-key-012345678")])
        #expect((try? access.authorize(headers, for: Self.route).get()) != nil)
        guard case .failure(let error) = access.authorize(headers, for: Self.route) else {
            Issue.record("not limited")
            return
        }
        #expect(error.status == 429)
        #expect(error.code == "rate_limited")
        #expect(error.headers["Retry-After"] == "4")
        #expect(error.message.contains("'s1'"))
        clock.advance(4)
        #expect((try? access.authorize(headers, for: Self.route).get()) != nil)
    }

    @Test func rejectedRequests_takeNoToken() {
        let access = AccessControl(
            keys: [
                APIKey(
                    name: "s1", secret: Array("student-key-012345678".utf8), scopes: [.explain],
                    rateLimit: RateLimit(rate: 0.001, burst: 1))
            ], clock: { 0 })
        let headers = HTTPHeaders([("Authorization", "Bearer student-key-012345678")])
        for _ in 0..<5 { #expect(access.authorize(headers, for: Self.route).failureStatus == 403) }
        let explain = Route("POST", "/explain", lane: .compute) { _, _ in .json(200, []) }.requiring(.explain)
        #expect(access.authorize(headers, for: explain).failureStatus == nil)
        #expect(access.authorize(headers, for: explain).failureStatus == 429)
    }

    @Test func reload_keepsTheBucketOfAKeyWhoseLimitStays() {
        let key = APIKey(
            name: "s1", secret: Array("student-key-012345678".utf8), scopes: [.grade],
            rateLimit: RateLimit(rate: 0.001, burst: 1))
        let access = AccessControl(keys: [key], clock: { 0 })
        let headers = HTTPHeaders([("Authorization", "Bearer student-key-012345678")])
        #expect(access.authorize(headers, for: Self.route).failureStatus == nil)
        access.replace(keys: [key])
        #expect(access.authorize(headers, for: Self.route).failureStatus == 429)
        var raised = key
        raised.rateLimit = RateLimit(rate: 0.001, burst: 2)
        access.replace(keys: [raised])
        #expect(access.authorize(headers, for: Self.route).failureStatus == nil)
    }

    /// 64 threads, one key, 2,000 requests at one instant: exactly `burst` pass, whatever the interleaving.
    @Test func limitHoldsUnderConcurrency() {
        let access = AccessControl(
            keys: [
                APIKey(
                    name: "s1", secret: Array("student-key-012345678".utf8), scopes: [.grade],
                    rateLimit: RateLimit(rate: 0.001, burst: 50))
            ], clock: { 0 })
        let headers = HTTPHeaders([("Authorization", "Bearer student-key-012345678")])
        let admitted = Counter()
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            for _ in 0..<32 where access.authorize(headers, for: Self.route).failureStatus == nil {
                admitted.increment()
            }
        }
        #expect(admitted.value == 50)
    }
}

extension Result where Failure == HTTPError {
    var failureStatus: Int? {
        if case .failure(let error) = self { return error.status.code }
        return nil
    }
}

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLockish()
    private var seconds = 0.0
    var now: @Sendable () -> Double { { [self] in lock.locked { seconds } } }
    func advance(_ by: Double) { lock.locked { seconds += by } }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLockish()
    private var count = 0
    func increment() { lock.locked { count += 1 } }
    var value: Int { lock.locked { count } }
}

/// A mutex without Foundation (HTTP1Tests does not import it).
final class NSLockish: @unchecked Sendable {
    private let queue = DispatchQueue(label: "lock")
    func locked<T>(_ body: () -> T) -> T { queue.sync(execute: body) }
}
