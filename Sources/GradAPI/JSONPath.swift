/// A place in a request body, written as a client reads it: `layers[2].kernel_size`, `input[0][3]`,
/// `submission["0.weight"]`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public private(set) var description: String

    /// The whole body.
    public static let root = JSONPath(description: "")

    private init(description: String) { self.description = description }

    /// A path from its first key: `JSONPath("input")`.
    public init(_ key: String) { self = JSONPath.root.key(key) }

    /// The member `key` of the object here; keys that are not identifiers are quoted.
    public func key(_ key: String) -> JSONPath {
        if Self.isIdentifier(key) {
            return JSONPath(description: description.isEmpty ? key : description + "." + key)
        }
        var quoted = "[\""
        for character in key {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return JSONPath(description: description + quoted + "\"]")
    }

    /// The element `index` of the array here.
    public func index(_ index: Int) -> JSONPath {
        JSONPath(description: description + "[" + String(index) + "]")
    }

    /// The element at a multi-dimensional index: `input[1][0][2]`.
    public func indices(_ indices: [Int]) -> JSONPath {
        indices.reduce(self) { $0.index($1) }
    }

    private static func isIdentifier(_ key: String) -> Bool {
        guard let first = key.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return key.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
    }
}
