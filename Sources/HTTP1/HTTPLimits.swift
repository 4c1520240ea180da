/// Size limits of the request parser, each a named setting with nginx-like defaults.
///
/// Past a limit the parser fails with the status RFC 9110 names for it: 414 (request line),
/// 431 (a field, the header section, the field count), 413 (the body), 400 (a chunk extension).
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line, without its line ending (414 past it).
    public var maxRequestLineBytes: Int
    /// Longest single field line, name and value (431 past it).
    public var maxFieldLineBytes: Int
    /// Largest header section: the sum of the field lines, line endings excluded (431 past it).
    public var maxHeaderBytes: Int
    /// Most field lines in the header section, trailers included (431 past it).
    public var maxFieldCount: Int
    /// Largest body, from `Content-Length` or the sum of the chunk sizes (413 past it).
    public var maxBodyBytes: Int
    /// Longest chunk extension (`;name=value…`) on one chunk-size line (400 past it).
    public var maxChunkExtensionBytes: Int

    public init(
        maxRequestLineBytes: Int = 8_192,
        maxFieldLineBytes: Int = 8_192,
        maxHeaderBytes: Int = 16_384,
        maxFieldCount: Int = 100,
        maxBodyBytes: Int = 64 * 1_048_576,
        maxChunkExtensionBytes: Int = 4_096
    ) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxFieldLineBytes = maxFieldLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxFieldCount = maxFieldCount
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkExtensionBytes = maxChunkExtensionBytes
    }
}
