import ArgumentParser
import Foundation
import GradClient

/// The server to talk to and how long to wait.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "The server's base URL (default: $GRADCLIENT_URL, else http://127.0.0.1:8080).")
    var url: String = ProcessInfo.processInfo.environment["GRADCLIENT_URL"] ?? "http://127.0.0.1:8080"

    @Option(help: "Seconds to wait for the whole response.")
    var timeout: Double = 60

    @Option(
        name: .customLong("api-key"),
        help:
            "Sent as Authorization: Bearer KEY (default: $CONVGRAD_API_KEY, which other users cannot see in ps as they can a flag)."
    )
    var apiKey: String = ProcessInfo.processInfo.environment["CONVGRAD_API_KEY"] ?? ""

    func validate() throws {
        guard timeout > 0, timeout.isFinite else {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
    }
}

/// Where the JSON request body comes from.
struct BodyInput: ParsableArguments {
    @Argument(help: "The JSON request body file, or - for standard input.")
    var file: String = "-"

    func read() throws -> [UInt8] {
        if file == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        return Array(data)
    }
}

/// A subcommand that POSTs its body to one endpoint and prints the answer.
protocol EndpointCommand: ParsableCommand {
    static var path: String { get }
    var connection: ConnectionOptions { get }
    var input: BodyInput { get }
}

extension EndpointCommand {
    func run() throws {
        try exchange(.post(Self.path, json: try input.read()), connection: connection)
    }
}

/// Sends `request`, prints the response body on stdout and exits by the outcome: 0 for 2xx,
/// 1 for an HTTP error status (its message also on stderr), 2 when the server cannot be reached,
/// 3 when the exchange breaks off or times out.
func exchange(_ request: HTTPRequest, connection: ConnectionOptions) throws {
    let configuration = ClientConfiguration(
        totalTimeout: .milliseconds(Int(connection.timeout * 1000)),
        apiKey: connection.apiKey.isEmpty ? nil : connection.apiKey)
    do {
        let client = try Client(baseURL: connection.url, configuration: configuration)
        let response = try client.send(request)
        writeBody(response.body)
        guard response.isSuccess else {
            printError("\(request.method) \(request.path): \(ErrorSummary(response))")
            throw ExitCode(1)
        }
    } catch let error as GradClientError {
        printError(error.description)
        if case .cannotConnect = error { throw ExitCode(2) }
        throw ExitCode(3)
    }
}

private func writeBody(_ body: [UInt8]) {
    FileHandle.standardOutput.write(Data(body))
    if body.last != UInt8(ascii: "\n") { FileHandle.standardOutput.write(Data("\n".utf8)) }
}

private func printError(_ message: String) {
    FileHandle.standardError.write(Data("gradclient: \(message)\n".utf8))
}
