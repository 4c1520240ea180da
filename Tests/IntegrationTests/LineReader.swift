import Foundation

/// Reads a child's standard output through a pipe with a deadline (poll(2)), then keeps draining it
/// so the child never blocks on a full pipe.
///
/// `@unchecked Sendable`: `seen` is only touched by the thread calling `firstListeningURL`, before
/// `drainInBackground` hands the descriptor to the draining thread.
final class LineReader: @unchecked Sendable {
    private let fileDescriptor: Int32
    private var buffer: [UInt8] = []
    private(set) var seen = ""

    init(fileDescriptor: Int32) { self.fileDescriptor = fileDescriptor }

    /// The URL in the first `listening on http://HOST:PORT` line, or nil on EOF or timeout.
    func firstListeningURL(timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while let line = nextLine(deadline: deadline) {
            seen += line + "\n"
            if let range = line.range(of: "listening on ") {
                return String(line[range.upperBound...].prefix { !$0.isWhitespace })
            }
        }
        return nil
    }

    private func nextLine(deadline: Date) -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0, waitReadable(milliseconds: Int32(remaining * 1000)) else { return nil }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(fileDescriptor, &chunk, chunk.count)
            guard count > 0 else { return nil }
            buffer += chunk[..<count]
        }
    }

    private func waitReadable(milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, max(1, milliseconds)) > 0
    }

    /// Discards the rest of the output on a background thread until EOF.
    func drainInBackground() {
        let descriptor = fileDescriptor
        Thread.detachNewThread {
            var chunk = [UInt8](repeating: 0, count: 4096)
            while read(descriptor, &chunk, chunk.count) > 0 {}
        }
    }
}
