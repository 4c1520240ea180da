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
///
/// Rows of numbers are read into `rowBuffer`, and stay there while the arrays around them are
/// rectangular blocks (`ContainerFrame.takesAsBlock`): the outermost such array becomes one
/// `.numberBlock` with one copy of its numbers, and no row is ever its own array. Where a block
/// meets anything else (an object member is not; a ragged or mixed array, or the document's top
/// is), its numbers become the values they stand for (`settle`).
struct JSONDocumentParser {
    var scanner: JSONScanner
    var stack: [ContainerFrame] = []
    /// Where the row reader puts rows' numbers (JSONScanner+NumberRows.swift); freed by
    /// `parseDocument`.
    var rowBuffer = RowBuffer()

    /// A value read, or a row or block whose numbers are still in `rowBuffer`.
    enum Completed {
        case value(JSONValue)
        case part(BlockPart)
    }

    init(_ scanner: JSONScanner) { self.scanner = scanner }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        defer { rowBuffer.free() }
        scanner.skipWhitespace()
        if scanner.isAtEnd { throw scanner.error("empty document, expected a JSON value", at: scanner.position) }
        stack.reserveCapacity(max(0, min(scanner.limits.maxDepth, 64)))
        var next = try readValueOrOpen()
        while true {
            guard let completed = next else {
                // A container was opened or a ',' read: the next element (or member value) follows.
                next = try readValueOrOpen()
                continue
            }
            guard !stack.isEmpty else {
                next = completed
                break
            }
            addToTop(completed)
            next = try continueContainer()
        }
        scanner.skipWhitespace()
        if !scanner.isAtEnd { throw scanner.unexpected("expected end of input after the JSON value") }
        return settle(next!, asBlock: true)
    }

    /// Adds a finished element to the open container on top of the stack: a block part stays
    /// in `rowBuffer` if the array takes it as a block; otherwise it is settled, and an array that
    /// was a block until now settles its own elements first.
    private mutating func addToTop(_ completed: Completed) {
        let top = stack.count - 1
        if case .part(let part) = completed, stack[top].takesAsBlock(part) {
            stack[top].appendBlockPart(part)
            return
        }
        let value = settle(completed, asBlock: stack[top].isObject)
        if stack[top].element != nil { stack[top].leaveBlock(elements: settleBlockElements(of: stack[top])) }
        stack[top].append(value)
    }

    /// The value of `completed`; a part's numbers leave `rowBuffer`. A block is a `.numberBlock`
    /// if `asBlock`, else the `.array` tree of `.numbers` rows (what an array that is not a block
    /// holds, so a ragged tensor reads as it always has).
    private mutating func settle(_ completed: Completed, asBlock: Bool) -> JSONValue {
        let part: BlockPart
        switch completed {
        case .value(let value): return value
        case .part(let finished): part = finished
        }
        let data = rowBuffer.array(from: part.start)
        rowBuffer.truncate(to: part.start)
        if part.outer.isEmpty { return .numbers(data) }
        let block = NumberBlock(shape: part.outer + [part.rowLength], data: data)
        return asBlock ? .numberBlock(block) : block.nestedValue
    }

    /// The elements of the block `frame` holds (on top of the stack, so its numbers end
    /// `rowBuffer`), as an array that is not a block holds them; their numbers leave `rowBuffer`.
    private mutating func settleBlockElements(of frame: ContainerFrame) -> [JSONValue] {
        let block = frame.finishedBlock()
        let value = settle(.part(block), asBlock: false)
        guard case .array(let elements) = value else { return [value] }
        return elements
    }

    /// Reads one value at the current position (after whitespace). Returns nil when it opened
    /// a non-empty container (pushed on the stack) whose elements come next.
    private mutating func readValueOrOpen() throws(JSONParseError) -> Completed? {
        scanner.skipWhitespace()
        let c = scanner.current
        switch c {
        case UInt8(ascii: "["): return try openArray()
        case UInt8(ascii: "{"): return try openObject().map(Completed.value)
        case UInt8(ascii: "\""): return .value(.string(try scanner.readString()))
        case UInt8(ascii: "t"):
            try scanner.expectLiteral("true")
            return .value(.bool(true))
        case UInt8(ascii: "f"):
            try scanner.expectLiteral("false")
            return .value(.bool(false))
        case UInt8(ascii: "n"):
            try scanner.expectLiteral("null")
            return .value(.null)
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw scanner.error("NaN and Infinity are not JSON numbers", at: scanner.position)
        default:
            if JSONScanner.startsNumber(c) { return .value(.number(try scanner.readNumber())) }
            throw scanner.unexpected("expected a JSON value")
        }
    }

    /// After an element or member: `,` and the next one, or the closing bracket (which finishes
    /// the container). Returns the finished container, or nil when another element follows.
    private mutating func continueContainer() throws(JSONParseError) -> Completed? {
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
            let frame = stack.removeLast()
            return frame.element != nil ? .part(frame.finishedBlock()) : .value(frame.finish())
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
    private mutating func openArray() throws(JSONParseError) -> Completed? {
        try checkDepth()
        scanner.position += 1
        scanner.skipWhitespace()
        let c = scanner.current
        if c == UInt8(ascii: "]") {
            scanner.position += 1
            return .value(.array([]))
        }
        if JSONScanner.startsNumber(c) { return try readNumberRow() }
        stack.append(.array())
        return nil
    }

    /// Reads `n, n, ..., n]` onto the end of `rowBuffer`: first with the row reader
    /// (JSONScanner+NumberRows.swift), then number by number from wherever it stopped. If a
    /// non-number element turns up, the numbers so far become a pushed frame and the generic loop
    /// carries on from that element.
    private mutating func readNumberRow() throws(JSONParseError) -> Completed? {
        let start = rowBuffer.count
        if scanner.readCommonRow(into: &rowBuffer) { return .part(rowPart(from: start)) }
        // The row reader stopped at an element it does not take (after a comma if it read numbers).
        if rowBuffer.count > start {
            scanner.skipWhitespace()
            if !JSONScanner.startsNumber(scanner.current) { return pushNumbers(from: start) }
        }
        while true {
            let number = try scanner.readNumber()
            rowBuffer.reserve(1)
            rowBuffer.appendReserved(number)
            scanner.skipWhitespace()
            let c = scanner.current
            if c == UInt8(ascii: ",") {
                scanner.position += 1
                scanner.skipWhitespace()
                if JSONScanner.startsNumber(scanner.current) { continue }
                return pushNumbers(from: start)
            }
            if c == UInt8(ascii: "]") {
                scanner.position += 1
                return .part(rowPart(from: start))
            }
            throw scanner.unexpected("expected ',' or ']' after array element")
        }
    }

    private func rowPart(from start: Int) -> BlockPart {
        BlockPart(start: start, rowLength: rowBuffer.count - start, outer: [])
    }

    /// An array whose first elements were numbers and whose next is not: a frame holding them.
    private mutating func pushNumbers(from start: Int) -> Completed? {
        stack.append(.array(numbers: rowBuffer.array(from: start)))
        rowBuffer.truncate(to: start)
        return nil
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
