/// `method SP request-target SP HTTP-version` (RFC 9112 §3), validated.
struct RequestLine: Equatable {
    var method: String
    var target: String
    var version: (major: Int, minor: Int)

    static func == (lhs: RequestLine, rhs: RequestLine) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.version == rhs.version
    }

    /// Parses one request line. Methods are case-sensitive tokens (RFC 9110 §9.1), so `get` is a
    /// bad token (400) while an unknown upper-case method parses (the router answers 501).
    static func parse(_ line: ArraySlice<UInt8>) throws(HTTPError) -> RequestLine {
        let parts = line.split(separator: ASCII.space, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .badRequest(
                "the request line must be 'METHOD target HTTP/1.1'; found \(parts.count) space-separated parts")
        }
        let method = try parseMethod(parts[0])
        let target = try parseTarget(parts[1], method: method)
        let version = try parseVersion(parts[2])
        return RequestLine(method: method, target: target, version: version)
    }

    static func parseMethod(_ bytes: ArraySlice<UInt8>) throws(HTTPError) -> String {
        guard ASCII.isToken(bytes) else { throw .badRequest("the method is not a token") }
        guard !bytes.contains(where: { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }) else {
            throw .badRequest(
                "methods are case-sensitive and upper-case; found \(String(decoding: bytes, as: UTF8.self))")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// origin-form (`/path?query`), asterisk-form for OPTIONS, or absolute-form reduced to its path
    /// (RFC 9112 §3.2).
    static func parseTarget(_ bytes: ArraySlice<UInt8>, method: String) throws(HTTPError) -> String {
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .badRequest("the request target is empty or has bytes outside visible ASCII")
        }
        let target = String(decoding: bytes, as: UTF8.self)
        if target.hasPrefix("/") { return target }
        if target == "*" && method == HTTPMethod.options.rawValue { return target }
        for scheme in ["http://", "https://"] where target.lowercased().hasPrefix(scheme) {
            let afterScheme = target.dropFirst(scheme.count)
            guard let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
            let rest = String(afterScheme[slash...])
            return rest.hasPrefix("/") ? rest : "/" + rest
        }
        throw .badRequest("the request target must start with '/'; found \(target.prefix(64))")
    }

    /// `HTTP/` DIGIT `.` DIGIT (RFC 9112 §2.3). 1.x above 1.1 is treated as 1.1; other majors get 505.
    static func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPError) -> (major: Int, minor: Int) {
        let text = Array(bytes)
        guard text.count == 8, text[0..<5] == Array("HTTP/".utf8)[...], text[6] == UInt8(ascii: "."),
            let major = digit(text[5]), let minor = digit(text[7])
        else { throw .badRequest("the HTTP version must look like HTTP/1.1") }
        guard major == 1 else { throw .versionNotSupported("HTTP/\(major).\(minor) is not supported; use HTTP/1.1") }
        return (1, min(minor, 1))
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
