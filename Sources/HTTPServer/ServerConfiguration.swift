import Foundation
import HTTP1

/// Every setting of the server, each named, with production defaults (shrunk in tests).
public struct ServerConfiguration: Sendable {
    /// Address to bind: an IPv4 or IPv6 literal or a host name.
    public var host: String = "127.0.0.1"
    /// TCP port; 0 asks the kernel for a free one (the bound port is reported by `start()`).
    public var port: Int = 8080
    /// Compute pool threads, one per core by default.
    public var workers: Int = ServerConfiguration.coreCount
    /// Requests admitted beyond the busy workers before shedding with 503 whatever their
    /// estimated work: the memory bound. Below it, admission is by time (`queueDelayTarget`).
    public var queueDepth: Int = ServerConfiguration.defaultQueueDepth
    public static let defaultQueueDepth = 256
    /// A compute request is shed (503) when the queueing delay it can expect, the backlog of
    /// estimated work over the workers of its lane (AdmissionPolicy), is over this. An idle
    /// server admits any request.
    public var queueDelayTarget: Duration = .milliseconds(250)
    /// ... or than this many times the request's own estimated work, when that is longer: heavy
    /// requests may queue for about their own duration (AdmissionPolicy.delayFactor).
    public var queueDelayFactor: Double = 2
    /// Requests estimated (CostModel) under this are light: served first, and by `lightWorkers`.
    public var lightCutoff: Duration = .milliseconds(2)
    /// Compute requests of a class measured (CostModel, not guessed) under this run inline on the
    /// event loop, with no thread hand-off; 0 turns it off.
    public var inlineCutoff: Duration = .microseconds(100)
    /// While heavy work is queued, light answers go out at most this many a second across the
    /// server (LightPacer: a connection whose light answer went out over the rate has its next
    /// request wait for its slot), so clients looping on tiny requests cannot take the heavy work's
    /// CPU with the HTTP path around them; 0 turns it off. 450 a core: on this project's 2-core
    /// machine a paced light exchange costs the event loops about 230 us, so 900 a second is about
    /// a tenth of the CPU, and 4 connections looping on the lesson's example wait about 4.4 ms each
    /// (docs/RELIABILITY.md, the graders phase: both of issue 18's targets, at their edge).
    public var lightRate: Double = 450 * Double(ServerConfiguration.coreCount)
    /// Light answers that may go out at once, at any rate (a class clicking together).
    public var lightBurst: Int = 32
    /// Extra compute threads that run only light requests, so a lesson's example never waits for
    /// a worker busy with a grader's batch.
    public var lightWorkers: Int = 1
    /// A queued request may be overtaken by shorter ones arriving up to this many times its own
    /// estimate after it; then it runs first (no starvation).
    public var agingFactor: Double = 8
    /// Bytes of compute-request bodies that may be arriving or waiting for their job at once (a
    /// chunked body counts as `limits.maxBodyBytes` until it is complete); past it new compute
    /// requests are shed with 503: the memory bound of a queue admitted by time. Never below
    /// `limits.maxBodyBytes`, so the largest allowed body can always be admitted.
    public var uploadBudgetBytes: Int = 256 * 1_048_576
    /// Nice value of the compute threads (Linux: per thread). Above 0 the event loops get the CPU
    /// first when both want it. 0 by default: under 4x overload on 2 cores nice 5 gave compute
    /// away to shedding and to the clients (in short probes, goodput 0.41-0.54 of capacity against
    /// 0.59-0.60 on the light problem), while `/healthz` p99 stayed under 10 ms either way
    /// (docs/RELIABILITY.md).
    public var computeNice: Int32 = 0
    /// Parser limits: request line, fields, body.
    public var limits = HTTPLimits()
    /// Whole header section, from its first byte (slowloris); 408 +close past it.
    public var headerTimeout: Duration = .seconds(10)
    /// Whole body, from the end of the header section; 408 +close past it.
    public var bodyTimeout: Duration = .seconds(30)
    /// Silence allowed between keep-alive requests; the connection is closed quietly past it.
    public var idleTimeout: Duration = .seconds(75)
    /// Time to write a response to a client that does not read; then it counts as an abort.
    public var sendTimeout: Duration = .seconds(30)
    /// After a "+close" response: how long to keep draining the client's bytes before closing.
    public var lingerTimeout: Duration = .seconds(1)
    /// Requests served on one connection before it is closed (`Connection: close` on the last).
    public var maxRequestsPerConnection: Int = 1_000
    /// Between SIGTERM (readiness off) and closing the listener.
    public var drainGrace: Duration = .seconds(1)
    /// Quiet time (no request started, none in flight) after which the server gives freed heap
    /// memory back to the OS, once per quiet spell. A server under steady load never trims, so
    /// its requests keep reusing warm memory; only the first request after a pause pays to fault
    /// pages in again.
    public var idleTrimDelay: Duration = .seconds(5)
    /// Runs at each idle trim, before freed memory goes back to the OS: where the routes' code
    /// drops what it caches between requests.
    public var releaseCachesWhenIdle: @Sendable () -> Void = {}
    /// API keys with scopes and rate limits, checked by the router from the header section
    /// (HTTP1/AccessControl.swift); nil, the default, leaves every route open.
    public var accessControl: AccessControl?
    /// `Access-Control-Allow-Origin` on every response.
    public var corsOrigin: String = "*"
    /// `Retry-After` seconds on a 503.
    public var retryAfterSeconds: Int = 1
    /// Static facts about this process shown on /metrics as `server_info{name="value",...} 1`
    /// (gradserver: the GEMM kernel path it chose, and the paths the CPU supports).
    public var infoLabels: [(String, String)] = []
    /// Dispatch queues that drive the connections (each serves many).
    public var eventLoops: Int = ServerConfiguration.coreCount
    /// Pending connections the kernel may hold for `accept`.
    public var backlog: Int32 = 4_096

    public init() {}

    /// Cores available to this process: the default for workers and event loops.
    public static var coreCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}

extension ServerConfiguration {
    /// The pacer of light answers, or nil when `lightRate` is 0.
    var lightPacer: LightPacer? { lightRate > 0 ? LightPacer(rate: lightRate, burst: lightBurst) : nil }

    var admissionPolicy: AdmissionPolicy {
        AdmissionPolicy(
            delayTarget: queueDelayTarget.seconds, delayFactor: queueDelayFactor, lightCutoff: lightCutoff.seconds,
            agingFactor: agingFactor)
    }
}

extension Duration {
    /// In seconds, as a Double.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    /// Whole nanoseconds, saturating.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }
}
