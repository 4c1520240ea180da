import Foundation
import Logging

/// A swift-log handler writing one JSON object per line to standard error:
/// `{"ts":"2026-11-27T10:03:33.123Z","level":"info","label":"gradserver","msg":"request","status":"200",…}`.
struct JSONLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    let label: String
    private static let output = Locked()

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("ts", Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date())),
            ("level", event.level.rawValue), ("label", label), ("msg", "\(event.message)"),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() { fields.append((key, "\(merged[key]!)")) }
        let line = "{" + fields.map { "\"\(Self.escape($0.0))\":\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}\n"
        Self.output.write(line)
    }

    /// JSON string escaping (RFC 8259 §7).
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Serializes lines from many threads onto standard error, one `write` each.
    final class Locked: @unchecked Sendable {
        private let lock = NSLock()
        func write(_ line: String) {
            lock.lock()
            defer { lock.unlock() }
            var bytes = Array(line.utf8)
            _ = bytes.withUnsafeMutableBytes { Foundation.write(2, $0.baseAddress, $0.count) }
        }
    }
}
