#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A socket failure with the call and errno that caused it.
public struct SocketError: Error, CustomStringConvertible {
    public var call: String
    public var code: Int32
    public var description: String { "\(call) failed: \(String(cString: strerror(code))) (errno \(code))" }
}

/// Thin POSIX socket calls; nothing here knows HTTP.
enum Socket {
    /// A non-blocking listening socket on `host:port` (IPv4 or IPv6), and the port it got.
    static func listen(host: String, port: Int, backlog: Int32) throws -> (fd: Int32, port: Int) {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let info = list else { throw SocketError(call: "getaddrinfo(\(host))", code: EINVAL) }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError(call: "socket", code: errno) }
        do {
            try setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
                throw SocketError(call: "bind", code: errno)
            }
            guard Glibc.listen(fd, backlog) == 0 else { throw SocketError(call: "listen", code: errno) }
            try setNonBlocking(fd)
            return (fd, try boundPort(fd))
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// The local port of a bound socket.
    static func boundPort(_ fd: Int32) throws -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw SocketError(call: "getsockname", code: errno) }
        let family = storage.ss_family
        return withUnsafePointer(to: &storage) { pointer in
            if family == sa_family_t(AF_INET6) {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                Int(UInt16(bigEndian: $0.pointee.sin_port))
            }
        }
    }

    /// Accepts one pending connection as a non-blocking, no-delay socket; nil when none is pending.
    static func accept(_ listener: Int32) throws -> Int32? {
        while true {
            let fd = Glibc.accept(listener, nil, nil)
            if fd >= 0 {
                try? setNonBlocking(fd)
                try? setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
                return fd
            }
            switch errno {
            case EINTR, ECONNABORTED: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: throw SocketError(call: "accept", code: errno)
            }
        }
    }

    /// Shuts a listening socket's door without closing it: new handshakes can no longer complete,
    /// while connections the kernel already queued stay there for `accept`. Closing a listener
    /// resets its queued connections (their clients may have sent a request), so a drain first
    /// shuts the door, then accepts what is queued, then closes: nothing can slip in between.
    ///
    /// The door is a classic BPF program of one instruction, `BPF_RET|BPF_K 0` ("keep 0 bytes":
    /// drop), attached with `SO_ATTACH_FILTER` (socket(7)); a listener filters SYNs and
    /// handshake-completing ACKs too, so a client stays in SYN-SENT and is refused once the socket
    /// closes. Linux only; false where the filter could not be attached.
    @discardableResult
    static func refuseNewConnections(_ listener: Int32) -> Bool {
        #if os(Linux)
            // BPF_RET|BPF_K, k = 0: accept nothing.
            var dropAll = BPFInstruction(code: 0x06, jumpIfTrue: 0, jumpIfFalse: 0, constant: 0)
            return withUnsafeMutablePointer(to: &dropAll) { instruction in
                var program = BPFProgram(length: 1, instructions: instruction)
                return setsockopt(
                    listener, SOL_SOCKET, SO_ATTACH_FILTER, &program, socklen_t(MemoryLayout<BPFProgram>.size)) == 0
            }
        #else
            return false
        #endif
    }

    static func setNonBlocking(_ fd: Int32) throws {
        let flags = fcntl(fd, F_GETFL, 0)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else {
            throw SocketError(call: "fcntl", code: errno)
        }
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws {
        var value = value
        guard setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw SocketError(call: "setsockopt", code: errno)
        }
    }

    /// Ignores SIGPIPE process-wide: a write to a vanished peer returns EPIPE instead of killing us.
    static func ignoreSIGPIPE() { signal(SIGPIPE, SIG_IGN) }
}

/// `struct sock_filter` of linux/filter.h (Swift's Glibc module does not import it); Swift lays
/// these plain structs out as C does: 2 + 1 + 1 + 4 bytes.
private struct BPFInstruction {
    var code: UInt16
    var jumpIfTrue: UInt8
    var jumpIfFalse: UInt8
    var constant: UInt32
}

/// `struct sock_fprog`: a length and a pointer (8-byte aligned, so 16 bytes).
private struct BPFProgram {
    var length: UInt16
    var instructions: UnsafeMutablePointer<BPFInstruction>
}

/// Process-wide settings a server executable wants.
public enum ProcessLimits {
    /// Raises the soft open-file limit to the hard one, so a thousand idle keep-alive connections fit.
    public static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

}
