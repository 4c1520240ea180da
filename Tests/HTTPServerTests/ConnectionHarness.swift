import Dispatch
import Foundation
import HTTP1
import Logging

@testable import HTTPServer

/// One `Connection` on one end of a Unix socket pair, driven by hand on its loop's queue: no
/// listener, no sweep timer, no sleeps. The test writes the client's bytes into `peer`, calls the
/// connection's entry points (`readAvailable`, `checkDeadlines`) itself, and reads what came back.
final class ConnectionHarness {
    let core: ServerCore
    let loop = try! EventLoop(index: 0)
    let connection: Connection
    let peer: Int32

    init(_ tweak: (inout ServerConfiguration) -> Void = { _ in }, routes: [Route] = ConnectionHarness.routes) {
        let configuration = TestServer.configuration(tweak)
        let metrics = ServerMetrics()
        let lifecycle = Lifecycle()
        let pool = ComputePool(
            workers: configuration.workers, queueDepth: configuration.queueDepth,
            policy: configuration.admissionPolicy, lightWorkers: configuration.lightWorkers,
            onStart: { lane, waited in metrics.queueDelayed(lane, seconds: waited) })
        let router = Router(routes: routes + BuiltinRoutes.routes(metrics: metrics, lifecycle: lifecycle, pool: pool))
        core = ServerCore(
            configuration: configuration, router: router, pool: pool, metrics: metrics, lifecycle: lifecycle,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        var fds: [Int32] = [0, 0]
        precondition(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        peer = fds[1]
        connection = Connection(fd: fds[0], loop: loop, core: core)
        loop.queue.sync { connection.start() }
    }

    deinit {
        loop.queue.sync { connection.close() }
        core.pool.stop()
        Glibc.close(peer)
    }

    /// `/echo` and `/slow` on the compute lane, `/inline` (a body, answered at once) inline.
    static let routes: [Route] = [
        Route("POST", "/echo", lane: .compute) { request, _ in .json(200, request.body) },
        Route("POST", "/inline", lane: .inline) { request, _ in .json(200, request.body) },
    ]

    /// Writes the client's bytes (small enough for the socket buffer).
    func clientSends(_ text: String) {
        let bytes = Array(text.utf8)
        precondition(bytes.withUnsafeBytes { Glibc.write(peer, $0.baseAddress, $0.count) } == bytes.count)
    }

    /// Runs `body` on the connection's queue, as every event of the connection runs.
    func onLoop<T>(_ body: () -> T) -> T { loop.queue.sync(execute: body) }

    /// What the server has written so far.
    func clientReceives() -> String {
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(peer, $0.baseAddress, $0.count) }
            guard count > 0 else { return text }
            text += String(decoding: buffer[0..<count], as: UTF8.self)
        }
    }

    /// Everything the server writes until `count` responses have come (or 5 s have passed): for
    /// answers that come back from the compute pool.
    func clientAwaits(responses count: Int) -> String {
        var text = ""
        let deadline = DispatchTime.now() + 5
        while Self.statuses(text).count < count && DispatchTime.now() < deadline {
            var pending = pollfd(fd: peer, events: Int16(POLLIN), revents: 0)
            _ = poll(&pending, 1, 50)
            text += clientReceives()
        }
        return text
    }

    /// True when the server has shut its write side (read returns 0, not EAGAIN).
    func clientSeesEOF() -> Bool {
        var byte: UInt8 = 0
        return Glibc.read(peer, &byte, 1) == 0
    }

    /// The status codes of the responses in `text`, in order (interim `100 Continue` included).
    static func statuses(_ text: String) -> [Int] {
        text.components(separatedBy: "HTTP/1.1 ").dropFirst().compactMap { Int($0.prefix(3)) }
    }
}
