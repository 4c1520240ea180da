import Testing

@testable import JSONCodec

/// Parses UTF-8 text.
func parse(_ text: String, limits: JSONLimits = JSONLimits()) throws(JSONParseError) -> JSONValue {
    try parseJSON(Array(text.utf8), limits: limits)
}

/// The error a document raises, or nil when it parses.
func parseError(_ bytes: [UInt8]) -> JSONParseError? {
    do throws(JSONParseError) {
        _ = try parseJSON(bytes)
        return nil
    } catch {
        return error
    }
}

func parseError(_ text: String) -> JSONParseError? { parseError(Array(text.utf8)) }

/// The single number a document holds, or nil.
func parsedNumber(_ text: String) -> Double? {
    guard let value = try? parse(text) else { return nil }
    return value.numberValue
}
