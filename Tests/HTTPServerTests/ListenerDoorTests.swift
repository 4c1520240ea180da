import Foundation
import Testing

@testable import HTTPServer

#if canImport(Glibc)
    import Glibc
#endif

/// The drain's door (`Socket.refuseNewConnections`): once shut, no handshake completes, while a
/// connection the kernel queued before stays acceptable. Without it, a connection landing in the
/// accept queue between the drain's last `accept` and the listener's close was reset with its
/// request unanswered (scripts/load's SIGTERM phase saw 1-2 per round on a loaded machine).
@Suite struct ListenerDoorTests {
    @Test func shutDoor_keepsQueuedConnections_andLetsNoNewOneIn() throws {
        let (listener, port) = try Socket.listen(host: "127.0.0.1", port: 0, backlog: 16)
        defer { Glibc.close(listener) }
        let queuedBefore = try RawClient(port: port)
        queuedBefore.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")

        #expect(Socket.refuseNewConnections(listener))
        let latecomer = try Self.startConnecting(port: port)
        defer { Glibc.close(latecomer) }
        #expect(!Self.becomesWritable(latecomer, withinMilliseconds: 300), "a handshake completed behind the shut door")

        let accepted = try #require(try Socket.accept(listener), "the connection queued before the door was lost")
        defer { Glibc.close(accepted) }
        var received = [UInt8](repeating: 0, count: 64)
        #expect(Self.readSome(accepted, into: &received) > 0, "its request is readable")
        #expect(try Socket.accept(listener) == nil, "nothing else was queued")
    }

    @Test func latecomer_isRefusedOnceTheListenerCloses() throws {
        let (listener, port) = try Socket.listen(host: "127.0.0.1", port: 0, backlog: 16)
        #expect(Socket.refuseNewConnections(listener))
        let latecomer = try Self.startConnecting(port: port)
        defer { Glibc.close(latecomer) }
        Glibc.close(listener)
        // The client retransmits its SYN (1 s on Linux) and gets a RST from the closed port.
        #expect(Self.becomesWritable(latecomer, withinMilliseconds: 5_000))
        #expect(Self.socketError(latecomer) == ECONNREFUSED)
    }

    /// A non-blocking connect to 127.0.0.1:port, left in progress.
    static func startConnecting(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try Socket.setNonBlocking(fd)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(result == -1 && errno == EINPROGRESS)
        return fd
    }

    /// A connecting socket becomes writable when its handshake completes or fails.
    static func becomesWritable(_ fd: Int32, withinMilliseconds timeout: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        return poll(&entry, 1, timeout) == 1
    }

    static func socketError(_ fd: Int32) -> Int32 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        return error
    }

    /// Reads what a (non-blocking) accepted socket holds, waiting up to a second for it.
    static func readSome(_ fd: Int32, into buffer: inout [UInt8]) -> Int {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, 1_000) == 1 else { return 0 }
        return buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    }
}
