import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Writing: as much as the socket takes now, the rest when a write source says it has room.
extension Connection {
    /// Queues bytes and writes what the socket takes; `writeFinished` runs once all are out.
    func send(_ bytes: [UInt8]) {
        if outgoing.isEmpty {
            outgoing = bytes
            outgoingOffset = 0
        } else {
            outgoing.append(contentsOf: bytes)
        }
        flush()
    }

    func flush() {
        while outgoingOffset < outgoing.count {
            let written = outgoing.withUnsafeBytes { buffer in
                Glibc.send(fd, buffer.baseAddress! + outgoingOffset, buffer.count - outgoingOffset, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                outgoingOffset += written
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
        outgoing.removeAll(keepingCapacity: outgoing.capacity <= 65_536)
        outgoingOffset = 0
        disarmWriteSource()
        writeFinished()
    }

    private func armWriteSource() {
        if writeSource == nil {
            let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: loop.queue)
            source.setEventHandler { [unowned self] in
                if state != .closed && outgoingOffset < outgoing.count { flush() }
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
