import HTTP1

/// The contract's routes (../shared/API.md), ready for any HTTP server.
public enum GradAPI {
    public static func routes() -> [Route] { [] }
}
