import JSONCodec

/// Finds a number that overflowed float64 anywhere in a request (`1e999` parses to infinity): such a
/// request is 422 `non_finite_number` at that number's path, before any decoding looks at it.
enum NonFiniteScan {
    static func check(_ value: JSONValue) throws {
        guard containsNonFinite(value), let path = firstNonFinite(in: value, at: .root) else { return }
        throw APIError.invalid(.nonFiniteNumber, "\(path) overflows float64; every number must be finite", at: path)
    }

    /// The fast pass, with no paths built. Recursion depth is bounded by the parser's nesting limit (64).
    private static func containsNonFinite(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let number): return !number.isFinite
        case .numbers(let numbers): return !numbers.allSatisfy(\.isFinite)
        case .numberBlock(let block): return !block.data.allSatisfy(\.isFinite)
        case .array(let elements): return elements.contains(where: containsNonFinite)
        case .object(let object): return object.members.contains { containsNonFinite($0.value) }
        case .null, .bool, .string: return false
        }
    }

    /// The slow pass, run only when the fast one found something: the first such number's path.
    private static func firstNonFinite(in value: JSONValue, at path: JSONPath) -> JSONPath? {
        switch value {
        case .number(let number):
            return number.isFinite ? nil : path
        case .numbers(let numbers):
            return numbers.firstIndex { !$0.isFinite }.map { path.index($0) }
        case .numberBlock(let block):
            return firstNonFinite(in: block.nestedValue, at: path)
        case .array(let elements):
            for (i, element) in elements.enumerated() {
                if let found = firstNonFinite(in: element, at: path.index(i)) { return found }
            }
            return nil
        case .object(let object):
            for member in object.members {
                if let found = firstNonFinite(in: member.value, at: path.key(member.key)) { return found }
            }
            return nil
        case .null, .bool, .string:
            return nil
        }
    }
}
