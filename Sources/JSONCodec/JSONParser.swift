/// Why a body is not JSON, and the byte offset where that was found (RFC 8259).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }
    public var description: String { "\(message) at byte \(offset)" }
}

/// Limits that keep a hostile document from costing more than its size.
public struct JSONLimits: Sendable {
    /// Arrays and objects nested deeper than this are refused (checked without recursion).
    public var maxDepth: Int = 64
    /// A number token longer than this is refused.
    public var maxNumberLength: Int = 64
    public init() {}
}

/// Parses a complete JSON document (RFC 8259): strict grammar, valid UTF-8, no lone surrogates,
/// no duplicate keys, no `NaN`/`Infinity`; numbers correctly rounded to float64.
///
/// Edge cases: `-0` keeps its sign; underflow (`1e-400`) is 0 or the nearest subnormal; overflow
/// (`1e999`) is ±infinity, not an error (the caller decides). Nesting deeper than
/// `limits.maxDepth` is an error found with an explicit stack, never by recursion.
public func parseJSON(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) throws(JSONParseError) -> JSONValue {
    let result = bytes.withUnsafeBufferPointer { buffer in
        Result { () throws(JSONParseError) in try parseJSON(buffer, limits: limits) }
    }
    return try result.get()
}

/// `parseJSON` over borrowed bytes (a slice of a receive buffer, say), with no copy.
public func parseJSON(_ buffer: UnsafeBufferPointer<UInt8>, limits: JSONLimits = JSONLimits()) throws(JSONParseError)
    -> JSONValue
{
    var parser = JSONDocumentParser(JSONScanner(buffer, limits: limits))
    return try parser.parseDocument()
}

/// The parse loop: reads values with an explicit stack of open containers.
struct JSONDocumentParser {
    var scanner: JSONScanner
    var stack: [ContainerFrame] = []
    /// Length of the last all-number row, to size the next one (tensor rows repeat).
    var rowLengthHint = 0
    /// Where the row reader puts a row's numbers (JSONScanner+NumberRows.swift); freed by
    /// `parseDocument`.
    var rowBuffer = RowBuffer()

    init(_ scanner: JSONScanner) { self.scanner = scanner }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        defer { rowBuffer.free() }
        scanner.skipWhitespace()
        if scanner.isAtEnd { throw scanner.error("empty document, expected a JSON value", at: scanner.position) }
        stack.reserveCapacity(max(0, min(scanner.limits.maxDepth, 64)))
        var value = try readValueOrOpen()
        while true {
            guard let completed = value else {
                // A container was opened or a ',' read: the next element (or member value) follows.
                value = try readValueOrOpen()
                continue
            }
            guard !stack.isEmpty else { break }
            stack[stack.count - 1].append(completed)
            value = try continueContainer()
        }
        scanner.skipWhitespace()
        if !scanner.isAtEnd { throw scanner.unexpected("expected end of input after the JSON value") }
        return value!
    }

    /// Reads one value at the current position (after whitespace). Returns nil when it opened
    /// a non-empty container (pushed on the stack) whose elements come next.
    private mutating func readValueOrOpen() throws(JSONParseError) -> JSONValue? {
        scanner.skipWhitespace()
        let c = scanner.current
        switch c {
        case UInt8(ascii: "["): return try openArray()
        case UInt8(ascii: "{"): return try openObject()
        case UInt8(ascii: "\""): return .string(try scanner.readString())
        case UInt8(ascii: "t"):
            try scanner.expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try scanner.expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try scanner.expectLiteral("null")
            return .null
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw scanner.error("NaN and Infinity are not JSON numbers", at: scanner.position)
        default:
            if JSONScanner.startsNumber(c) { return .number(try scanner.readNumber()) }
            throw scanner.unexpected("expected a JSON value")
        }
    }

    /// After an element or member: `,` and the next one, or the closing bracket (which finishes
    /// the container). Returns the finished container, or nil when another element follows.
    private mutating func continueContainer() throws(JSONParseError) -> JSONValue? {
        scanner.skipWhitespace()
        let isObject = stack[stack.count - 1].isObject
        let c = scanner.current
        if c == UInt8(ascii: ",") {
            scanner.position += 1
            if isObject { stack[stack.count - 1].pendingKey = try readMemberKey() }
            return nil
        }
        if c == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
            scanner.position += 1
            return stack.removeLast().finish()
        }
        throw scanner.unexpected(
            isObject ? "expected ',' or '}' after object member" : "expected ',' or ']' after array element")
    }

    private func checkDepth() throws(JSONParseError) {
        if stack.count >= scanner.limits.maxDepth {
            throw scanner.error("nesting deeper than \(scanner.limits.maxDepth) levels", at: scanner.position)
        }
    }

    /// At `[`: an empty array, a row of numbers read in one tight loop, or a pushed frame.
    private mutating func openArray() throws(JSONParseError) -> JSONValue? {
        try checkDepth()
        scanner.position += 1
        scanner.skipWhitespace()
        let c = scanner.current
        if c == UInt8(ascii: "]") {
            scanner.position += 1
            return .array([])
        }
        if JSONScanner.startsNumber(c) { return try readNumberRow() }
        stack.append(.array())
        return nil
    }

    /// Reads `n, n, ..., n]` straight into `[Double]`: first with the row reader
    /// (JSONScanner+NumberRows.swift), then number by number from wherever it stopped. If a
    /// non-number element turns up, the numbers so far become a pushed frame and the generic loop
    /// carries on from that element.
    private mutating func readNumberRow() throws(JSONParseError) -> JSONValue? {
        rowBuffer.removeAll()
        if scanner.readCommonRow(into: &rowBuffer) {
            rowLengthHint = rowBuffer.count
            return .numbers(rowBuffer.array)
        }
        var row = rowBuffer.array
        row.reserveCapacity(rowLengthHint)
        // The row reader stopped at an element it does not take (after a comma if `row` has numbers).
        if !row.isEmpty {
            scanner.skipWhitespace()
            if !JSONScanner.startsNumber(scanner.current) {
                stack.append(.array(numbers: row))
                return nil
            }
        }
        while true {
            row.append(try scanner.readNumber())
            scanner.skipWhitespace()
            let c = scanner.current
            if c == UInt8(ascii: ",") {
                scanner.position += 1
                scanner.skipWhitespace()
                if JSONScanner.startsNumber(scanner.current) { continue }
                stack.append(.array(numbers: row))
                return nil
            }
            if c == UInt8(ascii: "]") {
                scanner.position += 1
                rowLengthHint = row.count
                return .numbers(row)
            }
            throw scanner.unexpected("expected ',' or ']' after array element")
        }
    }

    /// At `{`: an empty object, or a pushed frame with its first key read.
    private mutating func openObject() throws(JSONParseError) -> JSONValue? {
        try checkDepth()
        scanner.position += 1
        scanner.skipWhitespace()
        if scanner.current == UInt8(ascii: "}") {
            scanner.position += 1
            return .object(JSONObject())
        }
        stack.append(.object(firstKey: ""))
        stack[stack.count - 1].pendingKey = try readMemberKey()
        return nil
    }

    /// `"key" :` for the object on top of the stack, refusing a key it already has.
    private mutating func readMemberKey() throws(JSONParseError) -> String {
        scanner.skipWhitespace()
        guard scanner.current == UInt8(ascii: "\"") else {
            throw scanner.unexpected("expected '\"' to begin an object key")
        }
        let keyStart = scanner.position
        let key = try scanner.readString()
        if stack[stack.count - 1].hasMember(key) {
            throw scanner.error("duplicate key \"\(key)\" in object", at: keyStart)
        }
        scanner.skipWhitespace()
        guard scanner.current == UInt8(ascii: ":") else { throw scanner.unexpected("expected ':' after object key") }
        scanner.position += 1
        return key
    }
}
