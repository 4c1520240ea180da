/// One open array or object on the parser's explicit stack (the parser never recurses, so
/// nesting depth costs heap, not stack).
struct ContainerFrame {
    let isObject: Bool
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

    /// The finished container: `.numbers` for a non-empty all-number array.
    func finish() -> JSONValue {
        if isObject { return .object(JSONObject(members)) }
        if allNumbers && !numbers.isEmpty { return .numbers(numbers) }
        return .array(values)
    }
}
