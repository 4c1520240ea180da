/// Where the parts of a key file start, as 1-based line numbers, so that an error names the line
/// at fault: the root's members, each element of the `keys` array, and each element's members.
/// Run on bytes the JSON reader accepted; it follows strings and nesting only.
struct KeyFileLocations {
    struct Element {
        var line: Int
        var members: [String: Int] = [:]
    }

    private(set) var rootMembers: [String: Int] = [:]
    private(set) var elements: [Element] = []

    init(_ bytes: [UInt8]) {
        var scanner = Scanner()
        for (offset, byte) in bytes.enumerated() { scanner.step(byte, offset: offset, into: &self) }
    }

    /// The line of `member` of element `index`, else of the element, else 1.
    func line(ofElement index: Int, member: String? = nil) -> Int {
        guard elements.indices.contains(index) else { return 1 }
        return member.flatMap { elements[index].members[$0] } ?? elements[index].line
    }

    /// 1-based line of a byte offset.
    static func line(ofOffset offset: Int, in bytes: [UInt8]) -> Int {
        1 + bytes.prefix(max(0, offset)).lazy.filter { $0 == UInt8(ascii: "\n") }.count
    }

    /// The walk: a stack of open containers, whether an object expects a member name next, and
    /// the string being read.
    private struct Scanner {
        var line = 1
        var stack: [UInt8] = []
        var expectsName = false
        var arrayAwaitsValue = false
        var inString = false
        var escaped = false
        var stringIsName = false
        var stringLine = 1
        var text: [UInt8] = []

        mutating func step(_ byte: UInt8, offset: Int, into locations: inout KeyFileLocations) {
            defer { if byte == UInt8(ascii: "\n") { line += 1 } }
            if inString { return readString(byte, into: &locations) }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: ":"):
                return
            case UInt8(ascii: ","):
                expectsName = stack.last == UInt8(ascii: "{")
                arrayAwaitsValue = stack.last == UInt8(ascii: "[")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = stack.popLast()
                expectsName = false
                arrayAwaitsValue = false
            default: valueOrName(byte, into: &locations)
            }
        }

        private mutating func valueOrName(_ byte: UInt8, into locations: inout KeyFileLocations) {
            let isName = byte == UInt8(ascii: "\"") && expectsName
            if !isName, arrayAwaitsValue, stack == [UInt8(ascii: "{"), UInt8(ascii: "[")] {
                locations.elements.append(Element(line: line))
            }
            arrayAwaitsValue = false
            expectsName = false
            switch byte {
            case UInt8(ascii: "{"):
                stack.append(byte)
                expectsName = true
            case UInt8(ascii: "["):
                stack.append(byte)
                arrayAwaitsValue = true
            case UInt8(ascii: "\""):
                inString = true
                stringIsName = isName
                stringLine = line
                text = []
            default: break  // a number or literal: nothing to locate inside it
            }
        }

        private mutating func readString(_ byte: UInt8, into locations: inout KeyFileLocations) {
            if escaped {
                escaped = false
                text.append(byte)
                return
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                return
            }
            guard byte == UInt8(ascii: "\"") else { return text.append(byte) }
            inString = false
            guard stringIsName else { return }
            let name = String(decoding: text, as: UTF8.self)
            if stack.count == 1 { locations.rootMembers[name] = locations.rootMembers[name] ?? stringLine }
            if stack.count == 3, stack[1] == UInt8(ascii: "["), !locations.elements.isEmpty {
                let last = locations.elements.count - 1
                locations.elements[last].members[name] = locations.elements[last].members[name] ?? stringLine
            }
        }
    }
}
