/// The chunked transfer coding (RFC 9112 §7.1):
/// `chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF`, ended by `0 [ chunk-ext ] CRLF trailer-section CRLF`.
extension RequestParser {
    /// Longest chunk-size line: 16 hex digits, whitespace, and the extension limit.
    private var maxChunkSizeLine: Int { 32 + limits.maxChunkExtensionBytes }

    /// Reads one chunk-size line; true when it was complete.
    mutating func readChunkSize() throws(HTTPError) -> Bool {
        guard let line = input.nextLine() else {
            if input.partialLineLength > maxChunkSizeLine { throw .badRequest("a chunk-size line is too long") }
            return false
        }
        guard line.endsWithCRLF else { throw .badRequest("a chunk-size line ends with a bare LF") }
        // The same limit as for a line still arriving, so the outcome does not depend on the split.
        guard line.content.count <= maxChunkSizeLine else { throw .badRequest("a chunk-size line is too long") }
        consume(line.consumed)
        let size = try Self.chunkSize(line.content, limits: limits)
        if size == 0 {
            state = .trailers
            return true
        }
        guard size <= limits.maxBodyBytes - bodyLength else {
            throw .tooLarge("the chunked body grows past the limit of \(limits.maxBodyBytes) bytes")
        }
        state = .chunkData(remaining: size)
        return true
    }

    /// `chunk-size = 1*HEXDIG`, then optional `BWS ; ext` which is checked for length and ignored.
    static func chunkSize(_ line: ArraySlice<UInt8>, limits: HTTPLimits) throws(HTTPError) -> Int {
        var size = 0
        var index = line.startIndex
        while index < line.endIndex, let digit = ASCII.hexValue(line[index]) {
            guard size <= (Int.max - digit) >> 4 else { throw .badRequest("a chunk size overflows") }
            size = size << 4 | digit
            index += 1
        }
        guard index > line.startIndex else { throw .badRequest("a chunk size is not hexadecimal") }
        let rest = ASCII.trimmed(line[index...])
        guard !rest.isEmpty else { return size }
        guard rest.first == ASCII.semicolon, rest.allSatisfy(ASCII.isFieldValueByte) else {
            throw .badRequest("a chunk-size line has bytes after the size that are not an extension")
        }
        guard rest.count <= limits.maxChunkExtensionBytes else {
            throw .badRequest("a chunk extension is over \(limits.maxChunkExtensionBytes) bytes")
        }
        return size
    }

    mutating func readChunkData(_ remaining: Int) -> Bool {
        let take = min(remaining, input.count)
        keepBody(input.bytes(0..<take), remaining: remaining)
        consume(take)
        state = remaining == take ? .chunkDataEnd : .chunkData(remaining: remaining - take)
        return remaining == take
    }

    /// The CRLF after chunk data; anything else means the data was longer than its size.
    mutating func readChunkDataEnd() throws(HTTPError) -> Bool {
        guard input.count >= 1 else { return false }
        guard input[0] == ASCII.cr else {
            throw .badRequest(
                input[0] == ASCII.lf
                    ? "chunk data ends with a bare LF" : "chunk data is longer than its chunk size")
        }
        guard input.count >= 2 else { return false }
        guard input[1] == ASCII.lf else { throw .badRequest("chunk data is not followed by CRLF") }
        consume(2)
        state = .chunkSize
        return true
    }
}
