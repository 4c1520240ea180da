import Synchronization

/// Byte buffers too large for malloc's heap, kept between requests instead of unmapped and faulted
/// back in: glibc serves every allocation over its mmap threshold (32 MiB at most, the value
/// gradserver sets) with a fresh mapping, whose pages the kernel zeroes one fault at a time (a
/// bigconv request's 39 MB body and 65 MB answer were 22% of its server time in page faults:
/// docs/PERFORMANCE.md). Smaller buffers are not kept here: the heap keeps them already.
///
/// A buffer is given back only by its last holder (the request's body after its handler, an
/// answer once written), so a kept buffer is uniquely referenced and reused in place. At most
/// `limitBytes` of capacity is kept; the server empties the pool when it trims an idle heap.
public final class LargeBuffers: Sendable {
    /// The process's pool: request bodies (RequestParser) and answers (GradAPI, HTTPServer).
    public static let shared = LargeBuffers(limitBytes: 256 << 20)
    /// Smallest capacity kept: glibc's largest mmap threshold.
    public static let smallestKept = 32 << 20

    private let kept = Mutex<[[UInt8]]>([])
    public let limitBytes: Int

    public init(limitBytes: Int) { self.limitBytes = limitBytes }

    /// An empty buffer with room for `capacity` bytes: the smallest kept one that fits, else a new one.
    public func take(capacity: Int) -> [UInt8] {
        if capacity >= Self.smallestKept, let buffer = takeKept(fitting: capacity) { return buffer }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(capacity)
        return buffer
    }

    private func takeKept(fitting capacity: Int) -> [UInt8]? {
        kept.withLock { kept in
            let fitting = kept.indices.filter { kept[$0].capacity >= capacity }
            guard let best = fitting.min(by: { kept[$0].capacity < kept[$1].capacity }) else { return nil }
            var buffer = kept.remove(at: best)
            buffer.removeAll(keepingCapacity: true)
            return buffer
        }
    }

    /// Keeps `buffer` for a later `take` if it is large, dropping the smallest kept ones to stay
    /// under `limitBytes`. Call only as its last holder.
    public func giveBack(_ buffer: consuming [UInt8]) {
        let buffer = buffer
        guard buffer.capacity >= Self.smallestKept, buffer.capacity <= limitBytes else { return }
        let dropped: [[UInt8]] = kept.withLock { kept in
            kept.append(buffer)
            kept.sort { $0.capacity > $1.capacity }
            var dropped: [[UInt8]] = []
            while kept.reduce(0, { $0 + $1.capacity }) > limitBytes { dropped.append(kept.removeLast()) }
            return dropped
        }
        _ = dropped  // freed here, outside the lock
    }

    /// Bytes of capacity kept now.
    public var keptBytes: Int { kept.withLock { $0.reduce(0) { $0 + $1.capacity } } }

    /// Frees every kept buffer (an idle server gives its memory back).
    public func releaseAll() {
        let all = kept.withLock { kept in
            defer { kept = [] }
            return kept
        }
        _ = all
    }
}
