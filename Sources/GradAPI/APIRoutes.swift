import HTTP1

/// The contract's routes (openapi.yaml), ready for any HTTP server.
public enum APIRoutes {
    /// POST /forward and POST /backward on the compute lane; GET /openapi.yaml inline.
    /// (/grade, /explain and /gradcheck join these from the grading files; the server owns /healthz,
    /// /readyz and /metrics.) Each route names the scopes that admit it when access control is on;
    /// the spec and the page stay open.
    public static func all(_ configuration: APIConfiguration = APIConfiguration()) -> [Route] {
        [
            Route(.post, "/forward", lane: .compute) { request, context in
                ComputeEndpoints.forward(request, context, configuration)
            }.requiring(.compute),
            Route(.post, "/backward", lane: .compute) { request, context in
                ComputeEndpoints.backward(request, context, configuration)
            }.requiring(.compute),
            Route(.get, "/openapi.yaml", lane: .inline) { request, _ in
                OpenAPIEndpoint.response(request)
            },
        ] + gradingRoutes(configuration) + pageRoutes()
    }
}
