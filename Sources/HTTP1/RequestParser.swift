/// What the parser has found in the bytes it was given.
public enum ParseEvent: Sendable {
    /// A validated request line and header section; its body (if any) has not been read yet.
    case head(RequestHead)
    /// The whole request, body included, following its `.head`.
    case request(HTTPRequest)
    /// A framing or protocol error; the parser accepts nothing more.
    case failure(HTTPError)
}

/// An incremental HTTP/1.1 request parser: bytes in (any split), events out, no sockets.
///
/// Feed bytes with `append`, then call `next()` until it returns nil (more bytes needed). Every
/// request yields `.head`, then `.request` once the body is complete; pipelined requests follow in
/// order. Limits are `HTTPLimits`; the result never depends on how the bytes were split.
public struct RequestParser {
    /// Where the parser is, for the server's deadlines.
    public enum Phase: Sendable, Equatable {
        /// Between requests with no byte of the next one buffered.
        case idle
        /// Reading a request line or header section.
        case head
        /// Reading a body (or trailers).
        case body
        /// Failed; nothing more will be parsed.
        case failed
    }

    enum State {
        case requestLine
        case fields(RequestLine)
        case lengthBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case complete
        case failed
    }

    public let limits: HTTPLimits
    var input = InputBuffer()
    var state = State.requestLine
    var head: RequestHead?
    var fields = HTTPHeaders()
    var headerBytes = 0
    var body: [UInt8] = []
    /// Body bytes read so far, kept or not (the limits count them either way).
    var bodyLength = 0
    /// Set by `discardBody()`: body bytes are read and dropped.
    var discardingBody = false
    var consumedForRequest = 0

    public init(limits: HTTPLimits = HTTPLimits()) { self.limits = limits }

    /// Buffers received bytes; nothing is parsed until `next()`. Bytes of a `Content-Length` body
    /// with nothing buffered before them go straight to the body (one copy, not two: into the
    /// buffer, then out of it); the bytes after the body's end are buffered.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        guard case .lengthBody(let remaining) = state, input.count == 0 else { return input.append(bytes) }
        let take = min(remaining, bytes.count)
        keepBody(bytes.prefix(take), remaining: remaining)
        consumedForRequest += take
        state = remaining == take ? .complete : .lengthBody(remaining: remaining - take)
        if take < bytes.count { input.append(bytes.dropFirst(take)) }
    }

    /// Bytes of the current request parsed so far (request line to last body byte), for logs.
    public var requestByteCount: Int { consumedForRequest }

    /// Bytes of the last complete request, as of its `.request` event.
    public private(set) var completedRequestByteCount = 0

    /// Bytes received and not yet parsed (pipelined requests waiting, for back-pressure).
    public var bufferedByteCount: Int { input.count }

    public var phase: Phase {
        switch state {
        case .requestLine: input.count == 0 ? .idle : .head
        case .fields: .head
        case .lengthBody, .chunkSize, .chunkData, .chunkDataEnd, .trailers, .complete: .body
        case .failed: .failed
        }
    }

    /// Reads the current request's body without keeping it: the server answered from the header
    /// section (404, 415, 503…) and skips the body to keep the connection. Its `.request` event
    /// still follows, with an empty body.
    public mutating func discardBody() {
        discardingBody = true
        body = []
    }

    /// The next event the buffered bytes allow, or nil when more bytes are needed.
    public mutating func next() -> ParseEvent? {
        do throws(HTTPError) {
            return try step()
        } catch {
            state = .failed
            return .failure(error)
        }
    }

    private mutating func step() throws(HTTPError) -> ParseEvent? {
        while true {
            switch state {
            case .requestLine:
                guard let line = try nextRequestLine() else { return nil }
                state = .fields(line)
            case .fields(let line):
                guard try readFields() else { return nil }
                let head = try RequestHead.validated(line: line, headers: fields, limits: limits)
                startBody(of: head)
                return .head(head)
            case .lengthBody(let remaining):
                guard readLengthBody(remaining) else { return nil }
            case .chunkSize:
                guard try readChunkSize() else { return nil }
            case .chunkData(let remaining):
                guard readChunkData(remaining) else { return nil }
            case .chunkDataEnd:
                guard try readChunkDataEnd() else { return nil }
            case .trailers:
                guard try readFields() else { return nil }
                state = .complete
            case .complete:
                return .request(finishRequest())
            case .failed:
                return nil
            }
        }
    }

    /// Skips empty lines before the request line (RFC 9112 §2.2) and parses it.
    private mutating func nextRequestLine() throws(HTTPError) -> RequestLine? {
        while let line = input.nextLine() {
            consume(line.consumed)
            if line.content.isEmpty { continue }
            guard line.content.count <= limits.maxRequestLineBytes else { throw requestLineTooLong() }
            return try RequestLine.parse(line.content)
        }
        if input.partialLineLength > limits.maxRequestLineBytes { throw requestLineTooLong() }
        return nil
    }

    private func requestLineTooLong() -> HTTPError {
        .uriTooLong("the request line is over \(limits.maxRequestLineBytes) bytes")
    }

    private mutating func startBody(of head: RequestHead) {
        self.head = head
        switch head.framing {
        case .none, .length(0): state = .complete
        case .length(let length):
            body.reserveCapacity(min(length, Self.initialBodyCapacity))
            state = .lengthBody(remaining: length)
        case .chunked: state = .chunkSize
        }
    }

    /// Memory reserved for a body before its bytes arrive: a header alone never commits more.
    static let initialBodyCapacity = 1_048_576

    private mutating func readLengthBody(_ remaining: Int) -> Bool {
        let take = min(remaining, input.count)
        keepBody(input.bytes(0..<take), remaining: remaining)
        consume(take)
        state = remaining == take ? .complete : .lengthBody(remaining: remaining - take)
        return remaining == take
    }

    /// Drops parsed bytes from the buffer, counting them for the current request.
    mutating func consume(_ count: Int) {
        input.consume(count)
        consumedForRequest += count
    }

    /// Appends `bytes`, the body's next, to the body unless it is being discarded; `remaining`
    /// counts them and the body's bytes still to come.
    mutating func keepBody(_ bytes: some Collection<UInt8>, remaining: Int) {
        bodyLength += bytes.count
        guard !discardingBody else { return }
        if body.count + bytes.count > body.capacity { growBody(toHold: body.count + remaining) }
        body.append(contentsOf: bytes)
    }

    /// Room for `needed` body bytes: at least double the capacity (a chunked body grows chunk by
    /// chunk: exact growth would copy it once per chunk), and a body over glibc's mmap threshold
    /// reuses a kept buffer (LargeBuffers).
    private mutating func growBody(toHold needed: Int) {
        let capacity = max(needed, 2 * body.capacity)
        guard capacity >= LargeBuffers.smallestKept else { return body.reserveCapacity(capacity) }
        var larger = LargeBuffers.shared.take(capacity: capacity)
        larger.append(contentsOf: body)
        body = larger
    }

    private mutating func finishRequest() -> HTTPRequest {
        let request = head!.request(body: body)
        completedRequestByteCount = consumedForRequest
        head = nil
        fields = HTTPHeaders()
        headerBytes = 0
        body = []
        consumedForRequest = 0
        bodyLength = 0
        discardingBody = false
        state = .requestLine
        return request
    }
}
