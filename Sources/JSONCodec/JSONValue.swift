/// A parsed JSON document.
///
/// Objects keep their members in document order (duplicate keys are a parse error), so a value
/// re-encodes to the same bytes. Arrays whose elements are all numbers are stored as `numbers`, so a
/// tensor's innermost rows arrive as `[Double]` with no per-element boxing; a rectangular array of
/// such arrays (of any depth) is one `numberBlock`, its numbers in one flat `[Double]`.
///
/// Equality is the JSON's: a `numberBlock` equals the `.array` tree of `.numbers` rows it stands for.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number; one that overflows float64 (`1e999`) is ±infinity, for the caller to reject.
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// A non-empty array of numbers only.
    case numbers([Double])
    /// A rectangular array of arrays of numbers, 2 or more dims (JSONParser.swift makes one for
    /// every such array that is not itself inside such an array).
    case numberBlock(NumberBlock)
    case object(JSONObject)

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.numbers(let a), .numbers(let b)): return a == b
        case (.numberBlock(let a), .numberBlock(let b)): return a == b
        case (.numberBlock(let a), .array): return a.nestedValue == rhs
        case (.array, .numberBlock(let b)): return lhs == b.nestedValue
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }
}

/// A JSON object: members in document order, looked up by key.
public struct JSONObject: Sendable, Equatable {
    public var members: [(key: String, value: JSONValue)]

    public init(_ members: [(key: String, value: JSONValue)] = []) { self.members = members }

    public subscript(key: String) -> JSONValue? {
        for member in members where member.key == key { return member.value }
        return nil
    }

    public var keys: [String] { members.map(\.key) }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

extension JSONValue {
    /// The elements of an array (either storage), or nil for a non-array.
    public var arrayElements: [JSONValue]? {
        switch self {
        case .array(let elements): return elements
        case .numbers(let values): return values.map(JSONValue.number)
        case .numberBlock(let block): return block.elements
        default: return nil
        }
    }

    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The JSON type's name for error messages: "object", "array", "number", ...
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array, .numbers, .numberBlock: return "array"
        case .object: return "object"
        }
    }
}
