import GradClient
import Testing

/// openapi.yaml's other endpoints: health, readiness, metrics, the spec, CORS preflight.
@Suite("Operational endpoints", .liveServer)
struct OperationalEndpointTests {
    @Test("/healthz and /readyz answer 200 on a serving server")
    func healthAndReadiness_are200() throws {
        let client = try Client(baseURL: try LiveServer.require().baseURL)
        #expect(try client.get("/healthz").status == 200)
        #expect(try client.get("/readyz").status == 200)
    }

    @Test("/metrics is Prometheus text")
    func metrics_isPrometheusText() throws {
        let response = try Client(baseURL: try LiveServer.require().baseURL).get("/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain") == true)
        #expect(response.text.contains("# TYPE"), "\(response.text.prefix(300))")
    }

    @Test("/openapi.yaml serves the OpenAPI document")
    func openAPI_isServed() throws {
        let response = try Client(baseURL: try LiveServer.require().baseURL).get("/openapi.yaml")
        #expect(response.status == 200)
        #expect(response.text.contains("openapi:"))
        #expect(response.text.contains("/backward"))
    }

    @Test("an OPTIONS preflight answers 204 with CORS headers")
    func preflight_is204WithCORS() throws {
        let request = HTTPRequest(
            method: "OPTIONS", path: "/backward",
            headers: [
                ("Origin", "https://course.example"), ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type"),
            ])
        let response = try Client(baseURL: try LiveServer.require().baseURL).send(request)
        #expect(response.status == 204)
        #expect(response.header("Access-Control-Allow-Origin") != nil)
        #expect(response.header("Access-Control-Allow-Methods")?.contains("POST") == true)
    }
}
