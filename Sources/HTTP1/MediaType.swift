/// The one check of a request body's media type, for the router (before the body is read) and for
/// handlers called directly: both give the same 415.
public enum MediaType {
    /// A Content-Type's media type (RFC 9110 §8.3.1): the `type/subtype` before any `;` parameters,
    /// spaces and tabs around it removed, lower-cased (media types are case-insensitive).
    public static func essence(of contentType: String) -> String {
        (contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "")
            .trimmingWhitespace().lowercased()
    }

    /// 415 `unsupported_media_type` unless `contentType`'s media type is `accepted`:
    /// "POST /forward takes Content-Type application/json; found 'text/plain'".
    public static func mismatch(method: String, path: String, accepted: String, contentType: String?) -> HTTPError? {
        if let contentType, contentType.utf8.elementsEqual(accepted.utf8) { return nil }  // the usual case, no copies
        let found = contentType.map(essence(of:))
        guard found != accepted else { return nil }
        return .unsupportedMediaType(
            "\(method) \(path) takes Content-Type \(accepted); found \(found.map { "'\($0)'" } ?? "none")")
    }
}
