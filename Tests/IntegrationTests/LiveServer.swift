import Testing

/// A suite trait that starts one `gradserver` for the whole suite and stops it afterwards; tests
/// reach it through `LiveServer.current`. Starting fails the suite's tests with the server's log.
struct LiveServer: SuiteTrait, TestScoping {
    @TaskLocal static var current: ServerProcess?
    /// Flags added after `--host 127.0.0.1 --port 0`.
    var arguments: [String] = []

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let server = try ServerProcess.start(extraArguments: arguments)
        defer { server.terminate() }
        try await LiveServer.$current.withValue(server) { try await function() }
    }

    /// The suite's server; fails the test when there is none.
    static func require(sourceLocation: SourceLocation = #_sourceLocation) throws -> ServerProcess {
        try #require(current, "no live server: the suite needs the .liveServer trait", sourceLocation: sourceLocation)
    }
}

extension Trait where Self == LiveServer {
    /// One `gradserver` on a free port for the whole suite.
    static var liveServer: LiveServer { LiveServer() }

    /// One `gradserver` started with extra flags for the whole suite.
    static func liveServer(arguments: [String]) -> LiveServer { LiveServer(arguments: arguments) }
}
