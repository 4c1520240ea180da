/// A finished row of numbers or rectangular block whose numbers are still in the parser's
/// `RowBuffer`, from `start` to its end: shape `outer + [rowLength]` (`outer` is empty for a row).
struct BlockPart {
    var start: Int
    var rowLength: Int
    var outer: [Int]

    /// The numbers of one element of this shape.
    var count: Int { outer.reduce(rowLength, *) }
}

/// One open array or object on the parser's explicit stack (the parser never recurses, so
/// nesting depth costs heap, not stack).
///
/// An array whose elements are all block parts of one shape (rows of one length, or blocks of one
/// shape) stays a block itself: it only counts them, their numbers lying in the `RowBuffer` from
/// `blockStart`, and finishes as a part one dim taller (JSONParser.swift).
struct ContainerFrame {
    let isObject: Bool
    /// The shape of each element while the array is a block; nil otherwise.
    private(set) var element: BlockPart? = nil
    /// Elements counted while the array is a block.
    private(set) var blockCount = 0
    /// Array elements while every one so far is a number (the `.numbers` storage).
    var numbers: [Double] = []
    /// Array elements once a non-number has appeared.
    var values: [JSONValue] = []
    var allNumbers = true
    var members: [(key: String, value: JSONValue)] = []
    /// The key whose value is being read.
    var pendingKey = ""
    /// Built once an object has many members, so duplicate checks stay O(1).
    private var keyIndex: Set<String>? = nil

    static func array(numbers: [Double] = []) -> ContainerFrame {
        var frame = ContainerFrame(isObject: false)
        frame.numbers = numbers
        return frame
    }

    static func object(firstKey: String) -> ContainerFrame {
        var frame = ContainerFrame(isObject: true)
        frame.pendingKey = firstKey
        return frame
    }

    private init(isObject: Bool) { self.isObject = isObject }

    /// Whether `part` can be this array's next element with the array staying a block: the first
    /// element of an empty array, or one shaped as the ones before.
    func takesAsBlock(_ part: BlockPart) -> Bool {
        guard !isObject else { return false }
        guard let element else { return allNumbers && numbers.isEmpty }
        return element.rowLength == part.rowLength && element.outer == part.outer
    }

    /// Adds `part` as an element (`takesAsBlock(part)` is true).
    mutating func appendBlockPart(_ part: BlockPart) {
        if element == nil { element = part }
        blockCount += 1
    }

    /// The finished block as a part one dim taller (the array is a block).
    func finishedBlock() -> BlockPart {
        let first = element!
        return BlockPart(start: first.start, rowLength: first.rowLength, outer: [blockCount] + first.outer)
    }

    /// Ends block mode: `elements` (the block's elements as values) become the array's elements.
    mutating func leaveBlock(elements: [JSONValue]) {
        element = nil
        blockCount = 0
        allNumbers = false
        values = elements
    }

    /// Adds a finished element (arrays) or the pending key's value (objects).
    @inline(__always)
    mutating func append(_ value: JSONValue) {
        if isObject {
            members.append((pendingKey, value))
            keyIndex?.insert(pendingKey)
            return
        }
        if allNumbers, case .number(let x) = value {
            numbers.append(x)
            return
        }
        if allNumbers {
            allNumbers = false
            values = numbers.map(JSONValue.number)
            numbers = []
        }
        values.append(value)
    }

    /// Whether the object already has `key`. Keys compare as Swift strings (canonical equivalence),
    /// the same rule `JSONObject`'s lookup uses, so a lookup is never ambiguous.
    mutating func hasMember(_ key: String) -> Bool {
        if keyIndex == nil {
            if members.count < 16 { return members.contains { $0.key == key } }
            keyIndex = Set(members.map(\.key))
        }
        return keyIndex!.contains(key)
    }

    /// The finished container: `.numbers` for a non-empty all-number array (not for a block).
    func finish() -> JSONValue {
        if isObject { return .object(JSONObject(members)) }
        if allNumbers && !numbers.isEmpty { return .numbers(numbers) }
        return .array(values)
    }
}
