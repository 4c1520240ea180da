import Dispatch
import HTTP1

#if canImport(Glibc)
    import Glibc
#endif

/// Writing: as much as the socket takes now, the rest when a write source says it has room.
extension Connection {
    /// Queues bytes (and a second buffer after them, written from where it is) and writes what
    /// the socket takes; `writeFinished` runs once all are out.
    func send(_ bytes: [UInt8], then body: [UInt8]? = nil) {
        outgoing.append(bytes)
        if let body { outgoing.append(body) }
        flush()
    }

    /// True while bytes wait to be written.
    var hasOutgoing: Bool { !outgoing.isEmpty }

    func flush() {
        while let first = outgoing.first {
            if outgoingOffset == first.count {
                dropWritten()
                continue
            }
            let written = sendQueued()
            if written > 0 {
                consume(written)
                core.metrics.sent(written)
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                armWriteSource()
                return
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                writeFailed()
                return
            }
        }
        outgoingOffset = 0
        disarmWriteSource()
        writeFinished()
    }

    /// One `sendmsg` of the first two queued buffers (a head and its body: one system call, no
    /// copy), from `outgoingOffset` in the first.
    private func sendQueued() -> Int {
        let offset = outgoingOffset
        return outgoing[0].withUnsafeBytes { first in
            var parts = [
                iovec(
                    iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress! + offset),
                    iov_len: first.count - offset)
            ]
            guard outgoing.count > 1, !outgoing[1].isEmpty else { return Self.sendParts(fd, &parts) }
            return outgoing[1].withUnsafeBytes { second in
                parts.append(
                    iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress!), iov_len: second.count))
                return Self.sendParts(fd, &parts)
            }
        }
    }

    private static func sendParts(_ fd: Int32, _ parts: inout [iovec]) -> Int {
        parts.withUnsafeMutableBufferPointer { vectors in
            var message = msghdr()
            message.msg_iov = vectors.baseAddress
            message.msg_iovlen = vectors.count
            return Glibc.sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
        }
    }

    /// Drops `count` written bytes from the front of the queue.
    private func consume(_ count: Int) {
        var left = count
        while left > 0, let first = outgoing.first {
            let remaining = first.count - outgoingOffset
            guard left >= remaining else {
                outgoingOffset += left
                return
            }
            left -= remaining
            dropWritten()
        }
    }

    /// The first buffer is out: a large answer's buffer goes back to the pool for the next one.
    private func dropWritten() {
        LargeBuffers.shared.giveBack(outgoing.removeFirst())
        outgoingOffset = 0
    }

    private func armWriteSource() {
        if writeSource == nil {
            let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: loop.queue)
            source.setEventHandler { [unowned self] in
                if state != .closed && hasOutgoing { flush() }
            }
            source.setCancelHandler { [self] in sourceCancelled() }
            pendingCancels += 1
            writeSource = source
        }
        guard !writeArmed else { return }
        writeArmed = true
        writeSource?.resume()
    }

    private func disarmWriteSource() {
        guard writeArmed else { return }
        writeArmed = false
        writeSource?.suspend()
    }

    /// The client stopped reading or reset mid-response.
    private func writeFailed() {
        abandonResponse()
        outgoing = []
        outgoingOffset = 0
        close()
    }
}
