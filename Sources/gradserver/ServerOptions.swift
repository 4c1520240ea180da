import ArgumentParser
import Foundation
import HTTP1
import HTTPServer
import Logging

/// The server's flags; each falls back to `GRADSERVER_<NAME>` in the environment, then the default.
struct ServerOptions: ParsableArguments {
    @Option(help: "Address to bind (IPv4 or IPv6). Env GRADSERVER_HOST.")
    var host: String = env("HOST") ?? defaults.host
    @Option(help: "Port; 0 picks a free one. Env GRADSERVER_PORT.")
    var port: Int = env("PORT").flatMap(Int.init) ?? defaults.port
    @Option(help: "Compute threads (default: cores). Env GRADSERVER_WORKERS.")
    var workers: Int = env("WORKERS").flatMap(Int.init) ?? defaults.workers
    @Option(
        name: .customLong("queue-depth"),
        help:
            "Compute requests waiting beyond the workers before 503 whatever their work (the memory bound). Env GRADSERVER_QUEUE_DEPTH."
    )
    var queueDepth: Int = env("QUEUE_DEPTH").flatMap(Int.init) ?? defaults.queueDepth
    @Option(
        name: .customLong("queue-delay-target"),
        help:
            "Seconds of expected queueing delay past which compute requests get 503. Env GRADSERVER_QUEUE_DELAY_TARGET."
    )
    var queueDelayTarget: Double = env("QUEUE_DELAY_TARGET").flatMap(Double.init) ?? seconds(defaults.queueDelayTarget)
    @Option(
        name: .customLong("queue-delay-factor"),
        help:
            "A compute request may also wait this many times its own estimated work, when that is longer than --queue-delay-target. Env GRADSERVER_QUEUE_DELAY_FACTOR."
    )
    var queueDelayFactor: Double = env("QUEUE_DELAY_FACTOR").flatMap(Double.init) ?? defaults.queueDelayFactor
    @Option(
        name: .customLong("light-workers"),
        help: "Extra compute threads for light requests only. Env GRADSERVER_LIGHT_WORKERS.")
    var lightWorkers: Int = env("LIGHT_WORKERS").flatMap(Int.init) ?? defaults.lightWorkers
    @Option(
        name: .customLong("light-rate"),
        help:
            "Light answers a second across the server while heavy work is queued; clients over it wait for their turn (0: no limit; default 450 a core). Env GRADSERVER_LIGHT_RATE."
    )
    var lightRate: Double = env("LIGHT_RATE").flatMap(Double.init) ?? defaults.lightRate
    @Option(
        name: .customLong("compute-nice"),
        help:
            "Nice value of the compute threads (0-19; higher favours health checks over compute under overload). Env GRADSERVER_COMPUTE_NICE."
    )
    var computeNice: Int32 = env("COMPUTE_NICE").flatMap(Int32.init) ?? defaults.computeNice
    @Option(
        name: .customLong("max-body-bytes"), help: "Largest request body (413 past it). Env GRADSERVER_MAX_BODY_BYTES.")
    var maxBodyBytes: Int = env("MAX_BODY_BYTES").flatMap(Int.init) ?? defaults.limits.maxBodyBytes
    @Option(
        name: .customLong("upload-budget-bytes"),
        help:
            "Bytes of compute-request bodies arriving at once before 503 (a chunked body counts as --max-body-bytes; never below it). Env GRADSERVER_UPLOAD_BUDGET_BYTES."
    )
    var uploadBudgetBytes: Int = env("UPLOAD_BUDGET_BYTES").flatMap(Int.init) ?? defaults.uploadBudgetBytes
    @Option(
        name: .customLong("header-timeout"),
        help: "Seconds for the whole header section (408). Env GRADSERVER_HEADER_TIMEOUT.")
    var headerTimeout: Double = env("HEADER_TIMEOUT").flatMap(Double.init) ?? seconds(defaults.headerTimeout)
    @Option(name: .customLong("body-timeout"), help: "Seconds for the whole body (408). Env GRADSERVER_BODY_TIMEOUT.")
    var bodyTimeout: Double = env("BODY_TIMEOUT").flatMap(Double.init) ?? seconds(defaults.bodyTimeout)
    @Option(
        name: .customLong("idle-timeout"),
        help: "Seconds a keep-alive connection may idle. Env GRADSERVER_IDLE_TIMEOUT.")
    var idleTimeout: Double = env("IDLE_TIMEOUT").flatMap(Double.init) ?? seconds(defaults.idleTimeout)
    @Option(name: .customLong("max-requests-per-connection"), help: "Env GRADSERVER_MAX_REQUESTS_PER_CONNECTION.")
    var maxRequestsPerConnection: Int =
        env("MAX_REQUESTS_PER_CONNECTION").flatMap(Int.init) ?? defaults.maxRequestsPerConnection
    @Option(name: .customLong("cors-origin"), help: "Access-Control-Allow-Origin value. Env GRADSERVER_CORS_ORIGIN.")
    var corsOrigin: String = env("CORS_ORIGIN") ?? defaults.corsOrigin
    @Option(
        name: .customLong("drain-grace"),
        help: "Seconds between SIGTERM (readiness 503) and closing the listener. Env GRADSERVER_DRAIN_GRACE.")
    var drainGrace: Double = env("DRAIN_GRACE").flatMap(Double.init) ?? seconds(defaults.drainGrace)
    @Option(
        name: .customLong("idle-trim-delay"),
        help: "Seconds of quiet after which freed heap memory goes back to the OS. Env GRADSERVER_IDLE_TRIM_DELAY.")
    var idleTrimDelay: Double = env("IDLE_TRIM_DELAY").flatMap(Double.init) ?? seconds(defaults.idleTrimDelay)
    @Option(
        name: .customLong("api-keys"),
        help:
            "JSON file of API keys with scopes and rate limits (README \"API keys\"); off when absent. SIGHUP reloads it. Env GRADSERVER_API_KEYS."
    )
    var apiKeys: String = env("API_KEYS") ?? ""
    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning, error, critical. Env GRADSERVER_LOG_LEVEL.")
    var logLevel: Logger.Level = env("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info

    @Option(name: .customLong("log-format"), help: "json (one object per line) or text. Env GRADSERVER_LOG_FORMAT.")
    var logFormat: LogFormat = env("LOG_FORMAT").flatMap(LogFormat.init(rawValue:)) ?? .json

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard (0...19).contains(computeNice) else { throw ValidationError("--compute-nice must be 0...19") }
        guard queueDelayTarget > 0, queueDelayFactor >= 0, lightWorkers >= 0, lightRate >= 0 else {
            throw ValidationError(
                "--queue-delay-target must be positive, --queue-delay-factor, --light-workers and --light-rate >= 0")
        }
        guard workers >= 1, queueDepth >= 0, maxBodyBytes >= 0, uploadBudgetBytes >= 0, maxRequestsPerConnection >= 1
        else {
            throw ValidationError("--workers and --max-requests-per-connection must be >= 1; sizes >= 0")
        }
        for value in [headerTimeout, bodyTimeout, idleTimeout, idleTrimDelay] where !(value > 0) {
            throw ValidationError("timeouts and --idle-trim-delay must be positive seconds")
        }
    }

    func configuration() -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.workers = workers
        configuration.queueDepth = queueDepth
        configuration.queueDelayTarget = .seconds(queueDelayTarget)
        configuration.queueDelayFactor = queueDelayFactor
        configuration.lightWorkers = lightWorkers
        configuration.lightRate = lightRate
        configuration.computeNice = computeNice
        configuration.limits.maxBodyBytes = maxBodyBytes
        configuration.uploadBudgetBytes = uploadBudgetBytes
        configuration.headerTimeout = .seconds(headerTimeout)
        configuration.bodyTimeout = .seconds(bodyTimeout)
        configuration.idleTimeout = .seconds(idleTimeout)
        configuration.maxRequestsPerConnection = maxRequestsPerConnection
        configuration.corsOrigin = corsOrigin
        configuration.drainGrace = .seconds(max(0, drainGrace))
        configuration.idleTrimDelay = .seconds(idleTrimDelay)
        return configuration
    }

    /// The host as it appears in a URL (IPv6 literals in brackets).
    var displayHost: String { host.contains(":") ? "[\(host)]" : host }
}

// swift-format-ignore: AvoidRetroactiveConformances
// swift-log's levels read as flags; neither package declares it, and only this executable needs it.
extension Logger.Level: @retroactive ExpressibleByArgument {}

/// How log lines are written to standard error.
enum LogFormat: String, ExpressibleByArgument, Sendable {
    case json, text
}

/// The defaults every flag falls back to: the server's own (Sources/HTTPServer/ServerConfiguration.swift).
private let defaults = ServerConfiguration()

/// A duration in seconds, as the flags take it.
private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// `GRADSERVER_<NAME>` from the environment.
func env(_ name: String) -> String? { ProcessInfo.processInfo.environment["GRADSERVER_" + name] }
