import Foundation
import HTTP1
import Testing

@testable import GradAPI

/// GET / and GET /static/<file> serve page/ byte for byte (scripts/embed-page), with the media
/// types and the headers a static page carries (Sources/GradAPI/PageRoutes.swift).
@Suite struct PageRoutesTests {
    static let pageFolder = Repo.root.appendingPathComponent("page")

    /// The files scripts/embed-page embeds: page/'s own .html, .css, .js and .svg files (not page/tests/).
    static func pageFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: pageFolder.path)
            .filter { ["html", "css", "js", "svg"].contains(($0 as NSString).pathExtension) }
            .sorted()
    }

    static func get(_ path: String, headers: [(String, String)] = []) throws -> HTTPResponse {
        let router = Router(routes: APIRoutes.all())
        var fields = HTTPHeaders([("Host", "localhost")])
        for (name, value) in headers { fields.add(name, value) }
        let resolved: Route? =
            if case .handle(let route) = router.resolve(method: "GET", path: path, headers: fields) { route } else {
                nil
            }
        let route = try #require(resolved, "GET \(path) is not routed to a handler")
        return route.handler(HTTPRequest(method: "GET", target: path, headers: fields), RequestContext())
    }

    @Test func embeddedAssets_equalPageFolderByteForByte() throws {
        let names = try Self.pageFiles()
        #expect(PageAssets.files.map(\.name) == names, "run scripts/embed-page")
        for asset in PageAssets.files {
            let file = try #require(
                FileManager.default.contents(atPath: Self.pageFolder.appendingPathComponent(asset.name).path))
            let repository = Array(file)
            let firstDifference =
                zip(asset.body, repository).enumerated().first { $1.0 != $1.1 }?.offset
                ?? min(asset.body.count, repository.count)
            let identical = asset.body == repository
            #expect(
                identical,
                "\(asset.name): embedded copy differs at byte \(firstDifference) (sizes \(asset.body.count), \(repository.count)): run scripts/embed-page"
            )
        }
    }

    @Test func root_servesIndexHTML() throws {
        let response = try Self.get("/")
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        let index = try #require(
            FileManager.default.contents(atPath: Self.pageFolder.appendingPathComponent("index.html").path))
        #expect(response.body == Array(index))
    }

    @Test func staticFiles_carryTheirMediaTypes() throws {
        let expected = [
            "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "svg": "image/svg+xml",
        ]
        for asset in PageAssets.files where asset.name != "index.html" {
            let response = try Self.get("/static/\(asset.name)")
            #expect(response.status == 200, "\(asset.name)")
            #expect(
                response.headers["Content-Type"] == expected[(asset.name as NSString).pathExtension], "\(asset.name)")
            #expect(response.body == asset.body, "\(asset.name)")
        }
    }

    @Test func everyPageResponse_carriesSecurityAndCacheHeaders() throws {
        for asset in PageAssets.files {
            let headers = try Self.get(asset.path).headers
            let policy = try #require(headers["Content-Security-Policy"], "\(asset.path)")
            #expect(policy.contains("default-src 'self'"))
            #expect(policy.contains("script-src 'self'"))
            #expect(policy.contains("frame-ancestors *"))
            #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
            #expect(headers["X-Content-Type-Options"] == "nosniff")
            #expect(headers["Referrer-Policy"] == "no-referrer")
            #expect(headers["Cache-Control"] == "no-cache")
            #expect(headers["ETag"] == asset.etag)
            #expect(asset.etag.count == 18 && asset.etag.hasPrefix("\"") && asset.etag.hasSuffix("\""))
        }
    }

    @Test func etags_differBetweenFiles() {
        #expect(Set(PageAssets.files.map(\.etag)).count == PageAssets.files.count)
    }

    @Test func matchingIfNoneMatch_returns304WithoutBody() throws {
        let asset = try #require(PageAssets.files.first { $0.name == "main.js" })
        for condition in [asset.etag, "W/\(asset.etag)", "\"other\", \(asset.etag)", "*"] {
            let response = try Self.get(asset.path, headers: [("If-None-Match", condition)])
            #expect(response.status == 304, "If-None-Match: \(condition)")
            #expect(response.body.isEmpty)
            #expect(response.headers["ETag"] == asset.etag)
        }
        let changed = try Self.get(asset.path, headers: [("If-None-Match", "\"0000000000000000\"")])
        #expect(changed.status == 200 && changed.body == asset.body)
    }

    @Test func pageRoutes_areInlineGETs() throws {
        for route in APIRoutes.all() where route.path == "/" || route.path.hasPrefix("/static/") {
            #expect(route.method == "GET" && route.lane == .inline, "\(route.method) \(route.path)")
        }
        let router = Router(routes: APIRoutes.all())
        guard case .handle(let head) = router.resolve(method: "HEAD", path: "/", headers: HTTPHeaders()) else {
            Issue.record("HEAD / is not routed to the GET handler")
            return
        }
        #expect(head.method == "GET")
    }

    @Test func unknownStaticFile_is404() {
        let router = Router(routes: APIRoutes.all())
        for path in ["/static/nope.js", "/static/", "/static/tests/test_page.py", "/index.html"] {
            guard case .reject(let error) = router.resolve(method: "GET", path: path, headers: HTTPHeaders()) else {
                Issue.record("GET \(path) was routed")
                continue
            }
            #expect(error.status == 404, "\(path)")
        }
    }

    /// The CSP allows no inline script or style, so the page must have none (nor event-handler attributes).
    @Test func pageFiles_haveNoInlineScriptStyleOrOtherOrigin() {
        for asset in PageAssets.files {
            // The SVG namespace is a name, not a fetch.
            let text = String(decoding: asset.body, as: UTF8.self).replacingOccurrences(
                of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            #expect(!text.contains("http://") && !text.contains("https://"), "\(asset.name) names another origin")
            guard asset.name.hasSuffix(".html") else { continue }
            #expect(!text.contains("<style"), "\(asset.name) has a <style> element")
            #expect(!text.contains(" style="), "\(asset.name) has a style attribute")
            #expect(
                text.components(separatedBy: "<script").count - 1 == text.components(
                    separatedBy: "<script type=\"module\" src="
                ).count - 1,
                "\(asset.name) has an inline script")
            #expect(
                text.range(of: #" on[a-z]+="#, options: .regularExpression) == nil,
                "\(asset.name) has an event-handler attribute")
        }
    }

    @Test func page_isUnder100KB() {
        let total = PageAssets.files.reduce(0) { $0 + $1.body.count }
        #expect(total < 100_000, "the page's files hold \(total) bytes")
    }

    /// openapi.yaml's /static/{file} enum lists exactly the files served there.
    @Test func spec_listsEveryStaticFile() throws {
        let script = """
            import yaml, sys
            doc = yaml.safe_load(open(sys.argv[1]))
            for p in doc['paths']['/static/{file}']['get']['parameters']:
                if p.get('name') == 'file': print('\\n'.join(p['schema']['enum']))
            """
        let result = try OpenAPITests.python(["-c", script, Repo.openAPI.path])
        try #require(result.status == 0, "\(result.output)")
        let listed = result.output.split(separator: "\n").map(String.init).sorted()
        #expect(listed == PageAssets.files.map(\.name).filter { $0 != "index.html" }.sorted())
    }
}
