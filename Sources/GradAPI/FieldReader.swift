import ConvEngine
import JSONCodec

/// Reads the fields of one request object, each error naming the field's path and what was found.
///
/// Integer fields accept integral numbers (`2` or `2.0`, openapi.yaml, `Tensor`); an int-or-pair field
/// takes `k` or `[k_h, k_w]`.
public struct FieldReader: Sendable {
    public let object: JSONObject
    public let path: JSONPath

    /// Integer fields above this are refused, so no shape arithmetic can overflow.
    public static let largestInteger = 1 << 24

    public init(_ object: JSONObject, at path: JSONPath) {
        self.object = object
        self.path = path
    }

    /// Reads `value` as an object, or throws `wrong_type` at `path`.
    public init(_ value: JSONValue, at path: JSONPath, expected: String = "an object") throws {
        guard case .object(let object) = value else {
            throw APIError.wrongType(at: path, expected: expected, found: value)
        }
        self.init(object, at: path)
    }

    /// Whether `key` is given; `null` counts as absent, as PyTorch's `None` means "the default".
    public func has(_ key: String) -> Bool { optional(key) != nil }

    /// The member `key`, or nil when it is absent or `null`.
    public func optional(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    /// The member `key`; 422 `missing_field` naming `what` it should hold when absent.
    public func required(_ key: String, what: @autoclosure () -> String) throws -> JSONValue {
        guard let value = optional(key) else {
            throw APIError.invalid(.missingField, "\(path.key(key)) is required: \(what())", at: path.key(key))
        }
        return value
    }

    /// Refuses members not in `allowed` (PyTorch users expect a typo such as `"strides"` to be caught).
    public func rejectUnknownKeys(allowed: [String], context: String) throws {
        for member in object.members where !allowed.contains(member.key) {
            throw APIError.invalid(
                .unknownField,
                "\(path.key(member.key)) is not a field of \(context); expected one of \(Self.quoted(allowed))",
                at: path.key(member.key))
        }
    }

    /// An integer field in `range`, or `fallback` when absent.
    public func integer(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let value = optional(key) else { return fallback }
        return try Self.integer(value, at: path.key(key), range: range)
    }

    /// `k` or `[k_h, k_w]`, each in `range`; `fallback` when absent.
    public func pair(_ key: String, default fallback: Pair?, range: ClosedRange<Int>) throws -> Pair? {
        guard let value = optional(key) else { return fallback }
        return try Self.pair(value, at: path.key(key), range: range)
    }

    public func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = optional(key) else { return fallback }
        guard case .bool(let flag) = value else {
            throw APIError.wrongType(at: path.key(key), expected: "true or false", found: value)
        }
        return flag
    }

    /// A finite number field (non-finite numbers were refused when the body was read).
    public func number(_ key: String, default fallback: Double) throws -> Double {
        guard let value = optional(key) else { return fallback }
        guard case .number(let number) = value else {
            throw APIError.wrongType(at: path.key(key), expected: "a number", found: value)
        }
        return number
    }

    /// A string field that must be one of `choices`.
    public func choice(_ key: String, default fallback: String?, choices: [String]) throws -> String? {
        guard let value = optional(key) else { return fallback }
        guard case .string(let text) = value else {
            throw APIError.wrongType(at: path.key(key), expected: "one of \(Self.quoted(choices))", found: value)
        }
        guard choices.contains(text) else {
            throw APIError.invalid(
                .invalidValue, "\(path.key(key)) must be one of \(Self.quoted(choices)); found \"\(text)\"",
                at: path.key(key))
        }
        return text
    }

    /// `"a", "b", "c"` for a message.
    public static func quoted(_ words: [String]) -> String {
        words.map { "\"\($0)\"" }.joined(separator: ", ")
    }

    /// An integral number (`2` or `2.0`) in `range`; `path` is built only for an error.
    public static func integer(_ value: JSONValue, at path: @autoclosure () -> JSONPath, range: ClosedRange<Int>) throws
        -> Int
    {
        guard case .number(let number) = value else {
            throw APIError.wrongType(at: path(), expected: "an integer", found: value)
        }
        guard number.rounded(.towardZero) == number, let integer = Int(exactly: number) else {
            throw APIError.invalid(.invalidValue, "\(path()) must be an integer; found \(number)", at: path())
        }
        guard range.contains(integer) else {
            let bound = integer < range.lowerBound ? "at least \(range.lowerBound)" : "at most \(range.upperBound)"
            throw APIError.invalid(.invalidValue, "\(path()) must be an integer \(bound); found \(integer)", at: path())
        }
        return integer
    }

    /// `k` (both dims) or `[k_h, k_w]`.
    public static func pair(_ value: JSONValue, at path: @autoclosure () -> JSONPath, range: ClosedRange<Int>) throws
        -> Pair
    {
        if case .number = value {
            return Pair(try integer(value, at: path(), range: range))
        }
        guard let elements = value.arrayElements, elements.count == 2 else {
            throw APIError.wrongType(at: path(), expected: "an integer or a pair [h, w]", found: value)
        }
        return Pair(
            try integer(elements[0], at: path().index(0), range: range),
            try integer(elements[1], at: path().index(1), range: range))
    }
}
