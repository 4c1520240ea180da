/// Bytes received and not yet parsed, consumed from the front without copying each time.
struct InputBuffer {
    private var storage: [UInt8] = []
    private var start = 0
    /// Bytes already searched for a line feed without finding one, so a line arriving a byte at a
    /// time is scanned once, not once per byte.
    fileprivate var scannedWithoutLineFeed = 0

    /// Unconsumed bytes.
    var count: Int { storage.count - start }

    mutating func append(_ bytes: some Collection<UInt8>) {
        if start > 4_096 && start * 2 >= storage.count {
            storage.removeFirst(start)
            start = 0
        }
        storage.append(contentsOf: bytes)
    }

    /// The unconsumed byte at `offset`.
    subscript(offset: Int) -> UInt8 { storage[start + offset] }

    /// Offset of the first LF at or after `offset`, or nil.
    func firstLineFeed(from offset: Int) -> Int? {
        var index = start + offset
        while index < storage.count {
            if storage[index] == 0x0A { return index - start }
            index += 1
        }
        return nil
    }

    /// The unconsumed bytes in `range` (offsets).
    func bytes(_ range: Range<Int>) -> ArraySlice<UInt8> {
        storage[(start + range.lowerBound)..<(start + range.upperBound)]
    }

    mutating func consume(_ count: Int) {
        start += count
        scannedWithoutLineFeed = max(0, scannedWithoutLineFeed - count)
        if start == storage.count {
            storage.removeAll(keepingCapacity: storage.capacity <= 65_536)
            start = 0
        }
    }
}

/// One line of the head: its content without the line ending, and the bytes it spans.
struct Line {
    var content: ArraySlice<UInt8>
    /// Content plus line ending.
    var consumed: Int
    /// True when it ended with CRLF rather than a bare LF.
    var endsWithCRLF: Bool
}

extension InputBuffer {
    /// The next whole line, accepting a bare LF as its end (RFC 9112 §2.2), or nil if none has arrived.
    mutating func nextLine() -> Line? {
        guard let lf = firstLineFeed(from: scannedWithoutLineFeed) else {
            scannedWithoutLineFeed = count
            return nil
        }
        let crlf = lf > 0 && self[lf - 1] == 0x0D
        return Line(content: bytes(0..<(crlf ? lf - 1 : lf)), consumed: lf + 1, endsWithCRLF: crlf)
    }

    /// A lower bound on the length of a line still arriving: its bytes minus a possible trailing CR.
    var partialLineLength: Int { max(0, count - 1) }
}
