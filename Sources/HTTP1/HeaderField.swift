/// `field-name ":" OWS field-value OWS` (RFC 9112 §5).
enum HeaderField {
    /// Parses one field line. Whitespace before the colon (§5.1), an obs-fold continuation line
    /// (§5.2) and NUL or other control bytes in the value (RFC 9110 §5.5) are rejected with 400.
    static func parse(_ line: ArraySlice<UInt8>) throws(HTTPError) -> (name: String, value: String) {
        guard let first = line.first, !ASCII.isWhitespace(first) else {
            throw .badRequest("a field line starts with whitespace (obsolete line folding is not accepted)")
        }
        guard let colon = line.firstIndex(of: ASCII.colon) else {
            throw .badRequest("a field line has no colon")
        }
        let name = line[line.startIndex..<colon]
        guard ASCII.isToken(name) else {
            throw .badRequest(
                "the field name '\(String(decoding: name.prefix(64), as: UTF8.self))' is not a token (whitespace before the colon?)"
            )
        }
        let value = ASCII.trimmed(line[(colon + 1)...])
        guard value.allSatisfy(ASCII.isFieldValueByte) else {
            throw .badRequest(
                "the value of \(String(decoding: name, as: UTF8.self)) has a control byte (NUL, CR or similar)")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }
}
