import Foundation

/// A loopback socket that listens but never accepts: the kernel completes the TCP handshake, so a
/// client connects and then waits for an answer that never comes.
final class SilentListener: Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let descriptor = self.descriptor
        let ready = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && listen(descriptor, 8) == 0
                    && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard ready else { throw FixtureError("cannot listen on loopback") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }

    /// A loopback port nothing listens on: bound to learn a free number, then closed.
    static func unusedPort() throws -> Int {
        let probe = try SilentListener()
        probe.close()
        return probe.port
    }
}

/// Answers one request with `200 ok` after reading its whole body, never sending `100 Continue`
/// (an HTTP/1.1 server that ignores `Expect`, which RFC 9110 §10.1.1 allows).
final class NoContinueServer: Sendable {
    let listener: SilentListener

    init() throws {
        listener = try SilentListener()
        let descriptor = listener.descriptor
        Thread.detachNewThread { NoContinueServer.serveOne(descriptor) }
    }

    func close() { listener.close() }

    private static func serveOne(_ listening: Int32) {
        let connection = accept(listening, nil, nil)
        guard connection >= 0 else { return }
        defer { _ = Glibc.close(connection) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while !isComplete(received) {
            let count = read(connection, &chunk, chunk.count)
            guard count > 0 else { return }
            received += chunk[..<count]
        }
        let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".utf8)
        _ = answer.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
    }

    /// Whether the header section and `Content-Length` bytes of body have arrived.
    private static func isComplete(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let header = text[..<end.lowerBound].lowercased()
        guard let field = header.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(field.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { return true }
        return text.utf8.distance(from: end.upperBound, to: text.utf8.endIndex) >= length
    }
}
