import Foundation
import Logging
import Synchronization

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

    /// Builds the line as bytes (one per request at the default level: on the event loop, so cheap).
    func log(event: LogEvent) {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        line += Array(#"{"ts":""#.utf8)
        Self.appendTimestamp(to: &line)
        Self.append(#"","level":""#, to: &line)
        Self.append(event.level.rawValue, to: &line)
        Self.append(#"","label":""#, to: &line)
        Self.appendEscaped(label, to: &line)
        Self.append(#"","msg":""#, to: &line)
        Self.appendEscaped("\(event.message)", to: &line)
        line.append(UInt8(ascii: "\""))
        let merged =
            metadata.isEmpty ? event.metadata ?? [:] : metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            Self.append(#",""#, to: &line)
            Self.appendEscaped(key, to: &line)
            Self.append(#"":""#, to: &line)
            Self.appendEscaped("\(value)", to: &line)
            line.append(UInt8(ascii: "\""))
        }
        Self.append("}\n", to: &line)
        Self.output.write(line)
    }

    private static func append(_ text: String, to line: inout [UInt8]) { line.append(contentsOf: text.utf8) }

    private static func appendEscaped(_ text: String, to line: inout [UInt8]) { append(escape(text), to: &line) }

    /// The current second's `2026-11-27T10:03:33.` prefix, formatted once per second.
    private static let secondPrefix = Mutex<(second: Int, text: [UInt8])>((-1, []))

    /// Now as RFC 3339 UTC with milliseconds, `2026-11-27T10:03:33.123Z`.
    static func appendTimestamp(to line: inout [UInt8]) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let second = Int(now.tv_sec)
        line += secondPrefix.withLock { cached in
            if cached.second != second { cached = (second, Array(formatSecond(now.tv_sec).utf8)) }
            return cached.text
        }
        let millis = Int(now.tv_nsec / 1_000_000)
        line += [UInt8(48 + millis / 100), UInt8(48 + millis / 10 % 10), UInt8(48 + millis % 10), UInt8(ascii: "Z")]
    }

    private static func formatSecond(_ seconds: Int) -> String {
        var seconds = seconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
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
        func write(_ line: [UInt8]) {
            lock.lock()
            defer { lock.unlock() }
            _ = line.withUnsafeBytes { Foundation.write(2, $0.baseAddress, $0.count) }
        }
    }
}
