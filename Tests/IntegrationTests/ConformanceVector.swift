import Foundation

/// One file of Tests/Fixtures/conformance/vectors: a request and PyTorch's float64 answer
/// (format in Tests/Fixtures/conformance/README.md).
struct ConformanceVector: Sendable {
    let fileName: String
    let name: String
    let endpoint: String
    /// The exact bytes to send: `raw_body` where present, else the file's own `request` bytes.
    let body: [UInt8]
    /// `expected`, decoded by JSONSerialization (a [String: Any] reduced to Sendable pieces).
    let expected: ExpectedAnswer
    /// `flat`, `base64`, or nil for nested arrays.
    let responseFormat: String?
    let checkShortest: Bool
    let repeatRequest: Bool

    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/conformance/vectors")

    /// Every vector file name, sorted (the `NNN_` prefix keeps the README's order).
    static func allFileNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    static func load(_ fileName: String) throws -> ConformanceVector {
        let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(fileName)))
        let object = try JSONTree.object(bytes)
        let rawBody = object["raw_body"] as? String
        let requestBytes = try rawBody.map { Array($0.utf8) } ?? RawMember.bytes(of: "request", in: bytes)
        return ConformanceVector(
            fileName: fileName,
            name: object["name"] as? String ?? fileName,
            endpoint: try JSONTree.string(object["endpoint"], "endpoint"),
            body: requestBytes,
            expected: try ExpectedAnswer(object["expected"]),
            responseFormat: object["response_format"] as? String,
            checkShortest: object["check_shortest"] as? Bool ?? false,
            repeatRequest: object["repeat"] as? Bool ?? false)
    }
}

/// What a vector's `expected` holds: the output, the loss, and named tensor groups.
struct ExpectedAnswer: Sendable {
    let output: Tensor
    let loss: Double?
    /// `gradients`, `buffers`, `activations`, `activation_gradients`, each name -> tensor, where present.
    let groups: [String: [String: Tensor]]

    static let groupKeys = ["gradients", "buffers", "activations", "activation_gradients"]

    init(_ value: Any?) throws {
        let object = try JSONTree.dictionary(value, "expected")
        output = try Tensor(expected: object["output"], "expected.output")
        loss = (object["loss"] as? NSNumber)?.doubleValue
        var groups: [String: [String: Tensor]] = [:]
        for key in Self.groupKeys {
            guard let group = object[key] as? [String: Any] else { continue }
            groups[key] = try group.mapValues { try Tensor(expected: $0, "expected.\(key)") }
        }
        self.groups = groups
    }
}

/// Finds the bytes of one member's value in a top-level JSON object without re-serializing it, so
/// a request is sent exactly as the vector file wrote it.
enum RawMember {
    static func bytes(of key: String, in document: [UInt8]) throws -> [UInt8] {
        let pattern = Array("\"\(key)\":".utf8)
        var depth = 0
        var index = 0
        while index < document.count {
            let byte = document[index]
            if byte == UInt8(ascii: "\"") {
                if depth == 1, document[index...].starts(with: pattern) {
                    let start = index + pattern.count
                    return Array(document[start..<endOfValue(startingAt: start, in: document)])
                }
                index = endOfString(startingAt: index, in: document)
                continue
            }
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
            if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { depth -= 1 }
            index += 1
        }
        throw FixtureError("no top-level \"\(key)\" member")
    }

    /// The index just past the string starting at `start` (which holds its opening quote).
    private static func endOfString(startingAt start: Int, in bytes: [UInt8]) -> Int {
        var index = start + 1
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        return index + 1
    }

    /// The index just past the value starting at `start`: balanced brackets, strings skipped.
    private static func endOfValue(startingAt start: Int, in bytes: [UInt8]) -> Int {
        var depth = 0
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index = endOfString(startingAt: index, in: bytes)
                if depth == 0 { return index }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return index }
                depth -= 1
                if depth == 0 { return index + 1 }
            case UInt8(ascii: ","): if depth == 0 { return index }
            default: break
            }
            index += 1
        }
        return index
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
