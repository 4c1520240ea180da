import HTTP1

/// GET /openapi.yaml: the document as `application/yaml` (RFC 9512 §2.1), or as `text/yaml` when the
/// request's `Accept` names `text/yaml` and not `application/yaml`. openapi.yaml lists both media
/// types because code generators such as openapi-python-client read `text/*` responses but not
/// `application/yaml` (clients/python/tests/test_generated_client.py generates one).
enum OpenAPIEndpoint {
    static func response(_ request: HTTPRequest) -> HTTPResponse {
        HTTPResponse(
            status: 200, headers: HTTPHeaders([("Content-Type", mediaType(accept: request.headers.values("Accept")))]),
            body: Array(OpenAPIDocument.yaml.utf8))
    }

    /// `text/yaml` when an Accept range is exactly `text/yaml` (parameters aside) and none is
    /// `application/yaml`; otherwise `application/yaml`. Quality values are not weighed.
    static func mediaType(accept: [String]) -> String {
        let ranges = Set(accept.flatMap { $0.split(separator: ",") }.map(mediaRange))
        return ranges.contains("text/yaml") && !ranges.contains("application/yaml") ? "text/yaml" : "application/yaml"
    }

    /// The media range of one Accept element, lowercased, without parameters or spaces.
    private static func mediaRange(_ element: Substring) -> String {
        let range = element.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return String(range.filter { $0 != " " && $0 != "\t" }).lowercased()
    }
}
