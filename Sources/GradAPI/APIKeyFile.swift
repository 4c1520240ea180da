import HTTP1
import JSONCodec

/// The key file of README.md "API keys":
/// `{"keys": [{"name", "key", "scopes": [...], "rate"?, "burst"?}, ...]}`. Bytes in, keys out; any
/// fault is a `KeyFileError` naming its line, and no message ever quotes a key.
public enum APIKeyFile {
    /// The fewest characters a key may have: 16 random b64token characters are 96 bits.
    public static let minimumKeyLength = 16
    /// The most keys one file may hold (each request compares against all of them).
    public static let maximumKeyCount = 1_000

    /// The keys and the warnings worth logging (a `grade:hidden` key that can read answers anyway).
    public struct Contents: Sendable {
        public var keys: [APIKey]
        public var warnings: [String]
    }

    public static func parse(_ bytes: [UInt8]) throws(KeyFileError) -> Contents {
        let root: JSONValue
        do {
            root = try parseJSON(bytes)
        } catch {
            throw KeyFileError(
                line: KeyFileLocations.line(ofOffset: error.offset, in: bytes), message: "not JSON: \(error.message)")
        }
        let locations = KeyFileLocations(bytes)
        let entries = try keyEntries(root, locations)
        var reader = KeyEntryReader(locations: locations)
        for (index, entry) in entries.enumerated() { try reader.read(entry, index: index) }
        return Contents(keys: reader.keys, warnings: reader.warnings)
    }

    /// The `keys` array, checked to be the root's only member and to hold 1 to 1,000 entries.
    private static func keyEntries(_ root: JSONValue, _ locations: KeyFileLocations) throws(KeyFileError) -> [JSONValue]
    {
        guard let object = root.objectValue else {
            throw KeyFileError(
                line: 1, message: #"the file must be an object {"keys": [...]}; found \#(root.typeName)"#)
        }
        var seen: Set<String> = []
        for name in object.keys where name != "keys" || !seen.insert(name).inserted {
            throw KeyFileError(
                line: locations.rootMembers[name] ?? 1,
                message: name == "keys" ? "keys is given twice" : "unknown member '\(name)'; the file holds only keys")
        }
        guard let value = object["keys"] else {
            throw KeyFileError(line: 1, message: #"keys is missing: {"keys": [{"name", "key", "scopes"}, ...]}"#)
        }
        guard let entries = value.arrayElements else {
            throw KeyFileError(
                line: locations.rootMembers["keys"] ?? 1, message: "keys must be an array; found \(value.typeName)")
        }
        guard !entries.isEmpty else {
            throw KeyFileError(
                line: locations.rootMembers["keys"] ?? 1, message: "keys is empty: name at least one key")
        }
        guard entries.count <= maximumKeyCount else {
            throw KeyFileError(
                line: locations.rootMembers["keys"] ?? 1,
                message: "keys holds \(entries.count) entries; at most \(maximumKeyCount)")
        }
        return entries
    }
}

/// A fault in the key file: what is wrong and on which line.
public struct KeyFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}
