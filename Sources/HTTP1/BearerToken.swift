/// The credentials of an `Authorization` header section (RFC 9110 §11.6.2) for the Bearer scheme
/// (RFC 6750 §2.1): `Bearer` (case-insensitive, §11.1), one or more spaces, then a b64token
/// `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
public enum BearerToken {
    /// Why no token could be read.
    public enum Failure: Error, Sendable, Equatable {
        /// No `Authorization` field, or one for another scheme (Basic, Digest): no credentials for us.
        case missing
        /// A Bearer field whose token is not a b64token, or more than one `Authorization` field.
        case malformed
    }

    /// The token's bytes from the request's fields.
    public static func parse(_ headers: HTTPHeaders) -> Result<[UInt8], Failure> {
        let values = headers.values("Authorization")
        guard values.count <= 1 else { return .failure(.malformed) }
        guard let value = values.first else { return .failure(.missing) }
        return parse(value)
    }

    /// The token from one field value.
    public static func parse(_ value: String) -> Result<[UInt8], Failure> {
        let bytes = Array(value.utf8)
        let scheme = Array("bearer".utf8)
        guard bytes.count > scheme.count, zip(bytes, scheme).allSatisfy({ $0 | 0x20 == $1 }) else {
            return .failure(.missing)
        }
        guard bytes[scheme.count] == UInt8(ascii: " ") else { return .failure(.missing) }
        let token = Array(bytes[scheme.count...].drop { $0 == UInt8(ascii: " ") })
        return isB64Token(token) ? .success(token) : .failure(.malformed)
    }

    /// RFC 6750 §2.1 b64token: at least one token character, then only `=` padding.
    public static func isB64Token(_ token: [UInt8]) -> Bool {
        let body = token.prefix { $0 != UInt8(ascii: "=") }
        return !body.isEmpty && body.allSatisfy(isTokenCharacter)
            && token[body.endIndex...].allSatisfy { $0 == UInt8(ascii: "=") }
    }

    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"),
            UInt8(ascii: "/"):
            true
        default: false
        }
    }
}
