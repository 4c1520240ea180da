/// Writes JSON straight into a byte buffer: numbers in shortest round-trip form, strings escaped
/// per RFC 8259 §7. The caller drives the structure; commas are inserted automatically.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Whether the next value at the current level needs a comma before it.
    private var needsComma = false

    public init(reservingCapacity capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Writes into `buffer`'s storage (emptied first): a large answer reuses a kept buffer.
    public init(reusing buffer: [UInt8]) {
        bytes = buffer
        bytes.removeAll(keepingCapacity: true)
    }

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// An object key; the next write is its value.
    public mutating func key(_ key: String) {
        string(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ value: String) {
        separate()
        appendEscaped(value)
        needsComma = true
    }

    /// A finite number in shortest round-trip form (`0.1`, `-0.0`, `1e-05`); integral values keep `.0`.
    /// Same bytes as `value.description`, written without a `String`.
    /// Precondition: `value.isFinite` (JSON has no NaN or infinity; callers check first).
    public mutating func number(_ value: Double) {
        separate()
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DoubleText.scratchLength) { buffer in
            let length = DoubleText.write(value, to: buffer.baseAddress!)
            bytes.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress!, count: length))
        }
        needsComma = true
    }

    public mutating func number(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    /// `[v0, v1, ...]` for a row of numbers.
    public mutating func numbers<C: Collection>(_ values: C) where C.Element == Double {
        beginArray()
        for value in values { number(value) }
        endArray()
    }

    /// `[v0, v1, ...]` for a row of numbers, formatted in bulk.
    public mutating func numbers(_ values: [Double]) {
        tensor(shape: [values.count], data: values)
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }
    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// Appends an already-encoded JSON value verbatim.
    public mutating func raw(_ encoded: [UInt8]) {
        separate()
        bytes.append(contentsOf: encoded)
        needsComma = true
    }

    /// Writes any parsed value back out.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let n): number(n)
        case .string(let s): string(s)
        case .numbers(let ns): numbers(ns)
        case .numberBlock(let block): tensor(shape: block.shape, data: block.data)
        case .array(let elements):
            beginArray()
            for e in elements { self.value(e) }
            endArray()
        case .object(let object):
            beginObject()
            for m in object.members {
                key(m.key)
                self.value(m.value)
            }
            endObject()
        }
    }

    /// Appends `count` already-encoded bytes from `start` (used by bulk writers).
    mutating func appendBytes(_ start: UnsafePointer<UInt8>, count: Int) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: count))
    }

    /// Marks the end of a value written by an extension (the next value needs a comma).
    mutating func finishValue() { needsComma = true }

    mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// A string literal per RFC 8259 §7: `"` and `\` escaped, `\n` `\r` `\t` for those controls,
    /// `\u00XX` for the other bytes below 0x20; everything else (valid UTF-8, since it is a
    /// `String`) verbatim, copied in runs.
    private mutating func appendEscaped(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var copy = s
        copy.withUTF8 { utf8 in
            var runStart = 0
            for (i, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                appendEscape(for: byte)
                runStart = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(for byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22, 0x5C: bytes.append(byte)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex = DoubleText.hexDigits.utf8Start
            bytes.append(UInt8(ascii: "u"))
            bytes.append(0x30)
            bytes.append(0x30)
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 15)])
        }
    }
}
