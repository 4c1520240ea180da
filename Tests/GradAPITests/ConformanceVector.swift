import Foundation
import Testing

/// One file of Tests/Fixtures/conformance/vectors (see its README): a request and PyTorch's answer.
struct ConformanceVector: Sendable, CustomTestStringConvertible {
    var file: String
    var name: String
    var endpoint: String
    /// `raw_body` where present, else the `request` member's exact bytes in the file.
    var body: [UInt8]
    var responseFormat: String?
    var checkShortest: Bool
    var repeats: Bool
    /// The `expected` member, re-encoded (Any is not Sendable).
    var expectedJSON: [UInt8]

    var testDescription: String { name }

    var expected: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(expectedJSON))) as? [String: Any] ?? [:]
    }

    static let all: [ConformanceVector] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Repo.vectors.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.sorted().compactMap { load($0) }
    }()

    static func load(_ file: String) -> ConformanceVector? {
        guard let data = FileManager.default.contents(atPath: Repo.vectors.appendingPathComponent(file).path),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let expected = object["expected"], let request = memberText(Array(data), key: "request")
        else { return nil }
        let raw = (object["raw_body"] as? String).map { Array($0.utf8) }
        return ConformanceVector(
            file: file, name: object["name"] as? String ?? file, endpoint: object["endpoint"] as? String ?? "",
            body: raw ?? request, responseFormat: object["response_format"] as? String,
            checkShortest: object["check_shortest"] as? Bool ?? false, repeats: object["repeat"] as? Bool ?? false,
            expectedJSON: Array((try? JSONSerialization.data(withJSONObject: expected)) ?? Data()))
    }

    /// The bytes of the top-level member `key`'s value, exactly as the file writes them.
    static func memberText(_ bytes: [UInt8], key: String) -> [UInt8]? {
        let needle = Array("\"\(key)\":".utf8)
        var depth = 0
        var i = 0
        var inString = false
        while i < bytes.count {
            let byte = bytes[i]
            if inString {
                if byte == UInt8(ascii: "\\") { i += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if depth == 1, byte == UInt8(ascii: "\""), bytes[i...].starts(with: needle) {
                let start = i + needle.count
                return valueEnd(bytes, from: start).map { Array(bytes[start..<$0]) }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
            }
            i += 1
        }
        return nil
    }

    /// The end of the object value starting at `start`.
    private static func valueEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var depth = 0
        var inString = false
        var i = start
        while i < bytes.count {
            let byte = bytes[i]
            if inString {
                if byte == UInt8(ascii: "\\") { i += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { return i + 1 }
            }
            i += 1
        }
        return nil
    }
}
