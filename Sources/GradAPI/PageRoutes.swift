import HTTP1

/// One file of the lesson page (page/), embedded by scripts/embed-page into PageAssets.swift.
struct PageAsset: Sendable {
    let name: String
    let body: [UInt8]
    /// A strong validator (RFC 9110 §8.8.3): the FNV-1a 64-bit hash of the body, quoted.
    let etag: String

    init(name: String, text: String) {
        self.name = name
        self.body = Array(text.utf8)
        self.etag = "\"\(Self.fnv1a64(body))\""
    }

    /// `/` for index.html, `/static/<name>` for the rest (index.html loads them relatively).
    var path: String { name == "index.html" ? "/" : "/static/\(name)" }

    var contentType: String {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        default: "application/octet-stream"
        }
    }

    private static func fnv1a64(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// The fields every page response carries.
enum PageHeaders {
    /// Only the server's own files run or load: no inline script or style, no other origin, no
    /// plugins. `frame-ancestors *` on purpose: the teaching sites the page is for may embed it
    /// (issue 14); it holds no ambient authority (no cookies; an API key typed into it stays in that
    /// tab's sessionStorage for the server's origin, out of the embedding site's reach), and every
    /// request it makes is a stateless computation, so a framing site gains nothing by clickjacking.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors *"

    static func fields(_ asset: PageAsset) -> [(String, String)] {
        [
            ("Content-Type", asset.contentType),
            ("Content-Security-Policy", contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            // Revalidate every time (the page changes with the server), cheaply: 304 on a matching ETag.
            ("Cache-Control", "no-cache"),
            ("ETag", asset.etag),
        ]
    }
}

extension APIRoutes {
    /// GET / (the lesson page) and GET /static/<file> (its CSS, modules and icon), inline.
    static func pageRoutes() -> [Route] {
        PageAssets.files.map { asset in
            Route(.get, asset.path, lane: .inline) { request, _ in pageResponse(asset, request) }
        }
    }

    /// 200 with the file, or 304 when `If-None-Match` names its ETag (RFC 9110 §13.1.2).
    static func pageResponse(_ asset: PageAsset, _ request: HTTPRequest) -> HTTPResponse {
        let headers = HTTPHeaders(PageHeaders.fields(asset))
        if matches(request.headers.values("If-None-Match"), asset.etag) {
            return HTTPResponse(status: .notModified, headers: headers)
        }
        return HTTPResponse(status: .ok, headers: headers, body: asset.body)
    }

    /// `If-None-Match` compares weakly (RFC 9110 §13.1.2): `W/` prefixes do not count; `*` matches.
    private static func matches(_ conditions: [String], _ etag: String) -> Bool {
        conditions.flatMap { $0.split(separator: ",") }.contains { tag in
            let trimmed = tag.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
            let value = String(trimmed)
            return value == "*" || (value.hasPrefix("W/") ? String(value.dropFirst(2)) : value) == etag
        }
    }
}
