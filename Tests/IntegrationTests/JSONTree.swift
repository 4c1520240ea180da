import Foundation

/// Foundation's JSONSerialization with typed accessors that throw a readable error naming the place.
enum JSONTree {
    static func parse(_ bytes: [UInt8]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try dictionary(try parse(bytes), "the document")
    }

    static func dictionary(_ value: Any?, _ place: String) throws -> [String: Any] {
        guard let object = value as? [String: Any] else {
            throw FixtureError("\(place) is not an object: \(String(describing: value))")
        }
        return object
    }

    static func string(_ value: Any?, _ place: String) throws -> String {
        guard let string = value as? String else { throw FixtureError("\(place) is not a string") }
        return string
    }

    /// A JSON number as Double.
    static func number(_ value: Any?, _ place: String) throws -> Double {
        guard let number = value as? NSNumber else {
            throw FixtureError("\(place) is not a number: \(String(describing: value))")
        }
        return number.doubleValue
    }

    /// The API's error body `{"error": {"code", "message", "path"?}}`.
    static func apiError(_ bytes: [UInt8]) throws -> (code: String, message: String, path: String?) {
        let error = try dictionary(try object(bytes)["error"], "error")
        return (
            try string(error["code"], "error.code"), try string(error["message"], "error.message"),
            error["path"] as? String
        )
    }
}
