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
            ("ts", Self.timestamp()),
            ("level", event.level.rawValue), ("label", label), ("msg", "\(event.message)"),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() { fields.append((key, "\(merged[key]!)")) }
        let line =
            "{" + fields.map { "\"\(Self.escape($0.0))\":\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}\n"
        Self.output.write(line)
    }

    /// Now as RFC 3339 UTC with milliseconds, `2026-11-27T10:03:33.123Z` (cheap: no formatter).
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }

    /// JSON string escaping (RFC 8259 §7).
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return text }
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
