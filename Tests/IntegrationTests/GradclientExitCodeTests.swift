import Foundation
import Testing

/// What one run of the `gradclient` binary did.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// The `gradclient` executable run as a user would: exit 0 on 2xx, 1 on an HTTP error with the
/// message on stderr, 2 when it cannot connect.
@Suite("gradclient exit codes", .liveServer)
struct GradclientExitCodeTests {
    @Test("backward FILE prints the gradients and exits 0")
    func backwardFile_printsBody_exits0() throws {
        let server = try LiveServer.require()
        let file = try Self.temporaryFile(Problems.workedExample)
        let result = try Self.run(["backward", file.path, "--url", server.baseURL])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let answer = try JSONTree.object(Array(result.stdout.utf8))
        #expect((answer["gradients"] as? [String: Any])?["0.weight"] != nil, "stdout: \(result.stdout)")
        #expect((answer["loss"] as? NSNumber)?.doubleValue == 30.25)
    }

    @Test("the body can come from stdin, and the URL from GRADCLIENT_URL")
    func stdinBody_environmentURL_exits0() throws {
        let server = try LiveServer.require()
        let result = try Self.run(
            ["forward", "-"], stdin: Problems.workedExample, environment: ["GRADCLIENT_URL": server.baseURL])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("-4.5"), "stdout: \(result.stdout)")
    }

    @Test("health exits 0 against a live server")
    func health_exits0() throws {
        let result = try Self.run(["health", "--url", try LiveServer.require().baseURL])
        #expect(result.status == 0, "stderr: \(result.stderr)")
    }

    @Test("an HTTP error exits 1 with the server's message on stderr")
    func httpError_exits1_messageOnStderr() throws {
        let server = try LiveServer.require()
        let body = #"{"input": [[1, 2], [3, 4]], "layers": [{"type": "conv2d", "weight": [[1]], "stride": "two"}]}"#
        let result = try Self.run(["forward", "--url", server.baseURL], stdin: body)
        #expect(result.status == 1)
        #expect(result.stderr.contains("422"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("layers[0].stride"), "stderr: \(result.stderr)")
    }

    @Test("no server at the URL exits 2")
    func unreachableServer_exits2() throws {
        let result = try Self.run(
            ["backward", "--url", "http://127.0.0.1:\(try SilentListener.unusedPort())"], stdin: Problems.workedExample)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("cannot connect"), "stderr: \(result.stderr)")
    }

    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws
        -> CommandResult
    {
        let process = Process()
        process.executableURL = try BuildProducts.executable(named: "gradclient")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "GRADCLIENT_URL" }.merging(
            environment
        ) { $1 }
        let stdout = try temporaryFile("")
        let stderr = try temporaryFile("")
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        if let stdin {
            process.standardInput = try FileHandle(forReadingFrom: try temporaryFile(stdin))
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus,
            stdout: try String(contentsOf: stdout, encoding: .utf8),
            stderr: try String(contentsOf: stderr, encoding: .utf8))
    }

    static func temporaryFile(_ contents: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gradclient-test-\(UUID().uuidString)")
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
