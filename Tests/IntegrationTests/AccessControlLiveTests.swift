import Foundation
import GradClient
import Testing

/// Key files for the live tests, written owner-only (0600) into the temporary folder.
enum KeyFiles {
    static let autograder = "auto-0123456789abcdef"
    static let student = "sect-0123456789abcdef"
    static let limited = "limit-0123456789abcde"
    static let rotated = "rotated-0123456789abc"

    static let standard = """
        {"keys": [
          {"name": "autograder", "key": "\(autograder)", "scopes": ["compute", "grade", "explain", "gradcheck", "metrics"]},
          {"name": "section-a", "key": "\(student)", "scopes": ["grade:hidden"]},
          {"name": "limited", "key": "\(limited)", "scopes": ["metrics"], "rate": 0.01, "burst": 10}
        ]}
        """

    static func write(_ contents: String, mode: Int = 0o600) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gradserver-keys-\(UUID().uuidString).json"
        ).path
        try rewrite(path, contents, mode: mode)
        return path
    }

    static func rewrite(_ path: String, _ contents: String, mode: Int = 0o600) throws {
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    static let standardPath: String = try! write(standard)
}

/// README.md "API keys" over a live `gradserver --api-keys FILE`: every route with
/// no key, a wrong key, a key without the scope, the right scope; the open routes; rate limits
/// over many connections; keys absent from logs and metrics.
@Suite("Access control on a live server", .liveServer(arguments: ["--api-keys", KeyFiles.standardPath]))
struct AccessControlLiveTests {
    static let hiddenGrade = Problems.workedExample(
        adding: #""submission": {"0.weight": [[1, 0], [0, 1]]}, "feedback": "hidden""#)
    static let explain = Problems.workedExample(adding: #""of": "0.weight", "index": [0, 0]"#)
    static let scoped: [(method: String, path: String, body: String)] = [
        ("POST", "/forward", Problems.workedExample), ("POST", "/backward", Problems.workedExample),
        ("POST", "/grade", hiddenGrade), ("POST", "/explain", explain), ("POST", "/gradcheck", Problems.workedExample),
        ("GET", "/metrics", ""),
    ]

    private func send(_ method: String, _ path: String, _ body: String, key: String?) throws -> HTTPResponse {
        var headers: [(name: String, value: String)] = method == "POST" ? [("Content-Type", "application/json")] : []
        if let key { headers.append(("Authorization", "Bearer \(key)")) }
        let client = try Client(baseURL: try LiveServer.require().baseURL)
        return try client.send(
            HTTPRequest(method: method, path: path, headers: headers, body: method == "POST" ? Array(body.utf8) : nil))
    }

    @Test("every scoped route: 401 without a key or with a wrong one, 403 without the scope, 200 with it")
    func scopedRoutes_matrix() throws {
        for (method, path, body) in Self.scoped {
            let none = try send(method, path, body, key: nil)
            #expect(none.status == 401, "\(path): \(none.text)")
            #expect(none.header("WWW-Authenticate") == #"Bearer realm="convgrad""#, "\(path)")
            #expect(none.text.contains(#""code":"unauthorized""#))
            let wrong = try send(method, path, body, key: "wrong-0123456789abcdef")
            #expect(wrong.status == 401, "\(path)")
            #expect(wrong.header("WWW-Authenticate")?.contains("invalid_token") == true, "\(path)")
            let right = try send(method, path, body, key: KeyFiles.autograder)
            #expect(right.status == 200, "\(path): \(right.text.prefix(300))")
            let student = try send(method, path, body, key: KeyFiles.student)
            if path == "/grade" {
                #expect(student.status == 200, "\(student.text)")
            } else {
                #expect(student.status == 403, "\(path): \(student.text)")
                #expect(student.text.contains(#""code":"forbidden""#))
                #expect(student.header("WWW-Authenticate")?.contains("insufficient_scope") == true)
            }
        }
    }

    @Test("grade:hidden asking for full feedback or the Gradescope format with full feedback gets 403")
    func gradeHidden_fullFeedback_is403() throws {
        for extra in [#""feedback": "full""#, #""format": "gradescope""#] {
            let body = Problems.workedExample(adding: #""submission": {"0.weight": [[1, 0], [0, 1]]}, \#(extra)"#)
            let answer = try send("POST", "/grade", body, key: KeyFiles.student)
            #expect(answer.status == 403, "\(answer.text)")
            #expect(!answer.text.contains("-85.8") && !answer.text.contains("85.8"), "\(answer.text)")
        }
        let hidden = try send("POST", "/grade", Self.hiddenGrade, key: KeyFiles.student)
        #expect(!hidden.text.contains("85.8"), "\(hidden.text)")
    }

    @Test("the page, health, readiness, the spec and the preflight need no key")
    func openRoutes_needNoKey() throws {
        for path in ["/", "/healthz", "/readyz", "/openapi.yaml", "/static/style.css"] {
            #expect(try send("GET", path, "", key: nil).status == 200, "\(path)")
        }
        let client = try Client(baseURL: try LiveServer.require().baseURL)
        let preflight = try client.send(
            HTTPRequest(
                method: "OPTIONS", path: "/grade",
                headers: [
                    ("Origin", "https://course.example"), ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "authorization, content-type"),
                ]))
        #expect(preflight.status == 204)
        #expect(preflight.header("Access-Control-Allow-Headers")?.lowercased().contains("authorization") == true)
    }

    /// 40 connections at once on one key with burst 10 and a refill of one per 100 s: exactly 10
    /// requests pass, every other one is 429 with Retry-After.
    @Test("a key's rate limit holds across many concurrent connections")
    func rateLimit_holdsUnderConcurrency() throws {
        let baseURL = try LiveServer.require().baseURL
        let statuses = Locked<[Int]>([])
        let retryAfter = Locked<[String?]>([])
        ThreadGroup.run(count: 40) { _ in
            guard let client = try? Client(baseURL: baseURL),
                let response = try? client.send(
                    HTTPRequest(
                        method: "GET", path: "/metrics", headers: [("Authorization", "Bearer \(KeyFiles.limited)")]))
            else { return statuses.withValue { $0.append(-1) } }
            statuses.withValue { $0.append(response.status) }
            if response.status == 429 { retryAfter.withValue { $0.append(response.header("Retry-After")) } }
        }
        let all = statuses.snapshot
        #expect(all.count == 40)
        #expect(all.filter { $0 == 200 }.count == 10, "\(all)")
        #expect(all.filter { $0 == 429 }.count == 30, "\(all)")
        #expect(retryAfter.snapshot.allSatisfy { ($0.flatMap(Int.init) ?? 0) >= 1 }, "\(retryAfter.snapshot)")
    }

    @Test("keys appear in neither the log nor the metrics; key names may")
    func keys_neverLoggedNorInMetrics() throws {
        _ = try send("POST", "/backward", Problems.workedExample, key: KeyFiles.autograder)
        _ = try send("POST", "/backward", Problems.workedExample, key: KeyFiles.student)
        _ = try send("POST", "/backward", Problems.workedExample, key: "wrong-0123456789abcdef")
        let metrics = try send("GET", "/metrics", "", key: KeyFiles.autograder).text
        let log = try LiveServer.require().log
        for secret in [KeyFiles.autograder, KeyFiles.student, KeyFiles.limited, "wrong-0123456789abcdef"] {
            #expect(!log.contains(secret))
            #expect(!metrics.contains(secret))
        }
        #expect(log.contains("autograder"), "the log names the keys it loaded")
        #expect(log.contains(#""key":"autograder""#), "each request line names the key's name")
    }

    @Test("gradclient sends --api-key, or CONVGRAD_API_KEY, as a Bearer token")
    func gradclient_apiKey() throws {
        let url = try LiveServer.require().baseURL
        let without = try GradclientExitCodeTests.run(["backward", "--url", url], stdin: Problems.workedExample)
        #expect(without.status == 1)
        #expect(without.stderr.contains("401"), "\(without.stderr)")
        let flag = try GradclientExitCodeTests.run(
            ["backward", "--url", url, "--api-key", KeyFiles.autograder], stdin: Problems.workedExample)
        #expect(flag.status == 0, "\(flag.stderr)")
        let variable = try GradclientExitCodeTests.run(
            ["backward", "--url", url], stdin: Problems.workedExample,
            environment: ["CONVGRAD_API_KEY": KeyFiles.autograder])
        #expect(variable.status == 0, "\(variable.stderr)")
        let scoped = try GradclientExitCodeTests.run(
            ["backward", "--url", url], stdin: Problems.workedExample,
            environment: ["CONVGRAD_API_KEY": KeyFiles.student])
        #expect(scoped.status == 1)
        #expect(scoped.stderr.contains("403"), "\(scoped.stderr)")
    }
}

/// Loading and reloading the key file on a live server: a bad file at start stops it with the
/// line; SIGHUP swaps keys without dropping connections; a bad reload keeps the old keys.
@Suite("Key file loading and SIGHUP reload")
struct KeyFileReloadTests {
    private func status(_ client: Client, key: String) throws -> Int {
        try client.send(
            HTTPRequest(
                method: "POST", path: "/backward",
                headers: [
                    ("Content-Type", "application/json"), ("Authorization", "Bearer \(key)"),
                ], body: Array(Problems.workedExample.utf8))
        ).status
    }

    /// Polls `condition` for up to 10 s (a signal is handled asynchronously).
    private func eventually(_ condition: () throws -> Bool) rethrows -> Bool {
        for _ in 0..<200 {
            if try condition() { return true }
            usleep(50_000)
        }
        return false
    }

    @Test("SIGHUP loads a rotated key; the old one stops working; a kept-alive connection carries on")
    func sighup_rotatesKeys() throws {
        let path = try KeyFiles.write(KeyFiles.standard)
        let server = try ServerProcess.start(extraArguments: ["--api-keys", path])
        defer { server.terminate() }
        let client = try Client(baseURL: server.baseURL)
        #expect(try status(client, key: KeyFiles.autograder) == 200)
        try KeyFiles.rewrite(
            path, KeyFiles.standard.replacingOccurrences(of: KeyFiles.autograder, with: KeyFiles.rotated))
        kill(server.process.processIdentifier, SIGHUP)
        #expect(try eventually { try status(client, key: KeyFiles.rotated) == 200 }, "\(server.log)")
        #expect(try status(client, key: KeyFiles.autograder) == 401)
        #expect(server.process.isRunning)
        #expect(server.log.contains("key file reloaded"), "\(server.log)")
        #expect(server.terminate() == 0)
    }

    /// Dispatch registers a signal source later, on its manager thread; until then SIGHUP is
    /// ignored. gradserver prints its `listening on` line only once the sources are registered
    /// (SignalRegistration.swift), so a SIGHUP sent the moment the line appears is handled.
    @Test("a SIGHUP sent as soon as the server listens is handled, start after start")
    func sighup_atOnceAfterListening_isHandled() throws {
        let path = try KeyFiles.write(KeyFiles.standard)
        for round in 0..<5 {
            let server = try ServerProcess.start(extraArguments: ["--api-keys", path])
            defer { server.terminate() }
            kill(server.process.processIdentifier, SIGHUP)
            #expect(eventually { server.log.contains("key file reloaded") }, "round \(round): \(server.log)")
        }
    }

    @Test("a bad file on SIGHUP keeps the old keys and logs the line at fault")
    func sighup_badFile_keepsOldKeys() throws {
        let path = try KeyFiles.write(KeyFiles.standard)
        let server = try ServerProcess.start(extraArguments: ["--api-keys", path])
        defer { server.terminate() }
        try KeyFiles.rewrite(
            path, "{\"keys\": [\n  {\"name\": \"x\", \"key\": \"\(KeyFiles.rotated)\", \"scopes\": [\"computer\"]}\n]}")
        kill(server.process.processIdentifier, SIGHUP)
        #expect(eventually { server.log.contains("key file reload failed") }, "\(server.log)")
        #expect(server.log.contains("line 2"), "\(server.log)")
        #expect(!server.log.contains(KeyFiles.rotated))
        let client = try Client(baseURL: server.baseURL)
        #expect(try status(client, key: KeyFiles.autograder) == 200)
        #expect(try status(client, key: KeyFiles.rotated) == 401)
    }

    @Test("a malformed key file stops the server at start, naming the line; GRADSERVER_API_KEYS works as the flag")
    func malformedFile_stopsTheServer() throws {
        let path = try KeyFiles.write(
            "{\"keys\": [\n  {\"name\": \"a\", \"key\": \"\(KeyFiles.student)\", \"scopes\": [\"grade\"]},\n  {\"name\": \"a\", \"key\": \"\(KeyFiles.rotated)\", \"scopes\": [\"grade\"]}\n]}"
        )
        let result = try GradserverRun.run(["--host", "127.0.0.1", "--port", "0", "--api-keys", path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("line 3"), "\(result.stderr)")
        #expect(result.stderr.contains("given twice"), "\(result.stderr)")
        let viaEnvironment = try GradserverRun.run(
            ["--host", "127.0.0.1", "--port", "0"], environment: ["GRADSERVER_API_KEYS": path])
        #expect(viaEnvironment.status != 0)
        #expect(viaEnvironment.stderr.contains("line 3"), "\(viaEnvironment.stderr)")
        let missing = try GradserverRun.run(["--host", "127.0.0.1", "--port", "0", "--api-keys", path + ".absent"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("cannot read"), "\(missing.stderr)")
    }

    @Test("a key file that others can read is served with a warning; one readable by our own group is not")
    func readableByOthers_warns() throws {
        let open = try ServerProcess.start(extraArguments: [
            "--api-keys", try KeyFiles.write(KeyFiles.standard, mode: 0o644),
        ])
        defer { open.terminate() }
        #expect(open.log.contains("can be read by group or others"), "\(open.log)")
        let closed = try ServerProcess.start(extraArguments: [
            "--api-keys", try KeyFiles.write(KeyFiles.standard, mode: 0o640),
        ])
        defer { closed.terminate() }
        #expect(!closed.log.contains("can be read by group or others"), "\(closed.log)")
    }
}

/// `gradserver` run to completion (for flags that stop it at start).
enum GradserverRun {
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        let process = Process()
        process.executableURL = try BuildProducts.executable(named: "gradserver")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate() }  // it started serving: the test fails on the status
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus,
            stdout: String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
            stderr: String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }
}
