import HTTP1
import JSONCodec

/// Reads the entries of a key file one by one, checking each against the ones before it
/// (names and keys are unique).
struct KeyEntryReader {
    static let members: Set<String> = ["name", "key", "scopes", "rate", "burst"]

    let locations: KeyFileLocations
    private(set) var keys: [APIKey] = []
    private(set) var warnings: [String] = []

    init(locations: KeyFileLocations) { self.locations = locations }

    mutating func read(_ entry: JSONValue, index: Int) throws(KeyFileError) {
        guard let object = entry.objectValue else {
            throw fault(
                index, nil, "keys[\(index)] must be an object {\"name\", \"key\", \"scopes\"}; found \(entry.typeName)")
        }
        for name in object.keys where !Self.members.contains(name) {
            throw fault(
                index, name, "keys[\(index)] has an unknown member '\(name)'; allowed: name, key, scopes, rate, burst")
        }
        let name = try self.name(object, index)
        let secret = try self.secret(object, index, name: name)
        let scopes = try self.scopes(object, index, name: name)
        let limit = try rateLimit(object, index, name: name)
        keys.append(APIKey(name: name, secret: secret, scopes: scopes, rateLimit: limit))
        let revealing = scopes.intersection(AccessScope.revealingExpectedValues).subtracting([.grade])
        if scopes.contains(.gradeHidden), !scopes.contains(.grade), !revealing.isEmpty {
            warnings.append(
                "the key '\(name)' has grade:hidden with \(revealing.sorted().map(\.rawValue).joined(separator: ", ")), whose answers carry expected gradient values"
            )
        }
    }

    private func name(_ object: JSONObject, _ index: Int) throws(KeyFileError) -> String {
        guard case .string(let name)? = object["name"] else {
            throw fault(index, object["name"] == nil ? nil : "name", "keys[\(index)].name must be a string")
        }
        guard (1...64).contains(name.utf8.count), name.utf8.allSatisfy(Self.isNameByte) else {
            throw fault(
                index, "name",
                "keys[\(index)].name must be 1 to 64 letters, digits, '.', '_', ':' or '-' (it appears in logs and metrics)"
            )
        }
        guard !keys.contains(where: { $0.name == name }) else {
            throw fault(index, "name", "the name '\(name)' is given twice; each key needs its own")
        }
        return name
    }

    /// The key's bytes: a b64token (RFC 6750 §2.1) of 16 to 256 characters, unique in the file.
    private func secret(_ object: JSONObject, _ index: Int, name: String) throws(KeyFileError) -> [UInt8] {
        guard case .string(let key)? = object["key"] else {
            throw fault(index, object["key"] == nil ? nil : "key", "keys[\(index)] ('\(name)'): key must be a string")
        }
        let bytes = Array(key.utf8)
        guard BearerToken.isB64Token(bytes) else {
            throw fault(
                index, "key", "the key of '\(name)' may hold only letters, digits and - . _ ~ + / (then = padding)")
        }
        guard bytes.count >= APIKeyFile.minimumKeyLength else {
            throw fault(index, "key", "the key of '\(name)' is shorter than \(APIKeyFile.minimumKeyLength) characters")
        }
        guard bytes.count <= AccessControl.maximumKeyBytes else {
            throw fault(index, "key", "the key of '\(name)' is longer than \(AccessControl.maximumKeyBytes) characters")
        }
        if let other = keys.first(where: { ConstantTime.equals(bytes, $0.secret) }) {
            throw fault(index, "key", "the key of '\(name)' is the key of '\(other.name)'; each key must be different")
        }
        return bytes
    }

    private func scopes(_ object: JSONObject, _ index: Int, name: String) throws(KeyFileError) -> Set<AccessScope> {
        guard let elements = object["scopes"]?.arrayElements, !elements.isEmpty else {
            throw fault(
                index, object["scopes"] == nil ? nil : "scopes",
                "keys[\(index)] ('\(name)'): scopes must be a non-empty array of \(Self.scopeList)")
        }
        var scopes: Set<AccessScope> = []
        for element in elements {
            guard case .string(let text) = element, let scope = AccessScope(rawValue: text) else {
                let found = element.stringValue.map { "'\($0.prefix(40))'" } ?? element.typeName
                throw fault(
                    index, "scopes",
                    "keys[\(index)] ('\(name)') has the unknown scope \(found); scopes are \(Self.scopeList)")
            }
            guard scopes.insert(scope).inserted else {
                throw fault(index, "scopes", "keys[\(index)] ('\(name)') lists the scope \(text) twice")
            }
        }
        return scopes
    }

    /// `rate` requests per second (> 0) with `burst` (>= 1, default: the rate rounded up); none: unlimited.
    private func rateLimit(_ object: JSONObject, _ index: Int, name: String) throws(KeyFileError) -> RateLimit? {
        let rate = try number(object, "rate", index, name: name)
        let burst = try number(object, "burst", index, name: name)
        guard let rate else {
            if burst != nil { throw fault(index, "burst", "keys[\(index)] ('\(name)') has a burst but no rate") }
            return nil
        }
        guard rate > 0, rate <= 1_000_000 else {
            throw fault(
                index, "rate",
                "keys[\(index)] ('\(name)'): rate must be above 0 and at most 1000000 requests per second; found \(rate)"
            )
        }
        if let burst, !(burst >= 1 && burst <= 1_000_000) {
            throw fault(
                index, "burst", "keys[\(index)] ('\(name)'): burst must be 1 to 1000000 requests; found \(burst)")
        }
        return RateLimit(rate: rate, burst: burst)
    }

    private func number(_ object: JSONObject, _ member: String, _ index: Int, name: String) throws(KeyFileError)
        -> Double?
    {
        guard let value = object[member] else { return nil }
        guard let number = value.numberValue, number.isFinite else {
            throw fault(
                index, member, "keys[\(index)] ('\(name)'): \(member) must be a number; found \(value.typeName)")
        }
        return number
    }

    private func fault(_ index: Int, _ member: String?, _ message: String) -> KeyFileError {
        KeyFileError(line: locations.line(ofElement: index, member: member), message: message)
    }

    private static let scopeList = AccessScope.allCases.map(\.rawValue).joined(separator: ", ")

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"): true
        default: false
        }
    }
}
