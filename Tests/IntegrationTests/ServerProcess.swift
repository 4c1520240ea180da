import Foundation

/// A `gradserver` child process on a free loopback port, started the way an operator would:
/// `gradserver --host 127.0.0.1 --port 0`, ready once it prints `listening on http://HOST:PORT`.
///
/// `@unchecked Sendable`: every stored property is a `let` set before the value is shared; `Process`
/// is itself thread-safe for the `isRunning`/`terminate`/status calls made here.
final class ServerProcess: @unchecked Sendable {
    let process: Process
    /// `http://127.0.0.1:PORT`, as the server printed it.
    let baseURL: String
    /// Where the server's standard error goes, for failure messages.
    let logFile: URL

    private init(process: Process, baseURL: String, logFile: URL) {
        self.process = process
        self.baseURL = baseURL
        self.logFile = logFile
    }

    /// Starts the binary from the current build's products folder and waits for its listening line.
    static func start(extraArguments: [String] = [], readyTimeout: TimeInterval = 30) throws -> ServerProcess {
        let process = Process()
        process.executableURL = try BuildProducts.executable(named: "gradserver")
        process.arguments = ["--host", "127.0.0.1", "--port", "0"] + extraArguments
        let logFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "gradserver-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: logFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let reader = LineReader(fileDescriptor: stdout.fileHandleForReading.fileDescriptor)
        guard let url = reader.firstListeningURL(timeout: readyTimeout) else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            throw ServerStartFailure(
                log: (try? String(contentsOf: logFile, encoding: .utf8)) ?? "", stdout: reader.seen)
        }
        reader.drainInBackground()
        return ServerProcess(process: process, baseURL: url, logFile: logFile)
    }

    /// The server's standard error so far, for failure messages.
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Sends SIGTERM (a drain) and waits for the exit; SIGKILL after `timeout`. Returns the exit
    /// status, or nil when the process did not exit by itself in time or died of a signal.
    @discardableResult
    func terminate(timeout: TimeInterval = 30) -> Int32? {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    /// Sends SIGTERM without waiting.
    func sendSIGTERM() {
        kill(process.processIdentifier, SIGTERM)
    }
}

struct ServerStartFailure: Error, CustomStringConvertible {
    let log: String
    let stdout: String
    var description: String {
        "gradserver printed no `listening on http://HOST:PORT` line.\nstdout: \(stdout)\nstderr: \(log)"
    }
}

/// The products folder of the running build (`.build/<triple>/debug`), which holds the test bundle
/// and, because `swift build --build-tests` builds every product, the executables too.
enum BuildProducts {
    static var directory: URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        // On macOS the test binary sits inside ConvGradPackageTests.xctest/Contents/MacOS.
        while folder.pathComponents.contains(where: { $0.hasSuffix(".xctest") }) { folder.deleteLastPathComponent() }
        return folder
    }

    static func executable(named name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw MissingExecutable(name: name, folder: directory.path)
        }
        return url
    }
}

struct MissingExecutable: Error, CustomStringConvertible {
    let name: String
    let folder: String
    var description: String { "\(name) is not in \(folder); run `swift build --build-tests` first" }
}
