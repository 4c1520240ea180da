import ConvEngine
import HTTP1
import JSONCodec

/// The seam every JSON endpoint goes through: the media-type check, then the endpoint's work, with
/// every failure turned into the contract's error response here and nowhere else.
public enum APIEndpoint {
    /// Runs `work` for a POST with a JSON body; its bytes become a 200 `application/json` response.
    ///
    /// APIError -> its status; EngineError -> 422 at `problem`'s path for the site (see `Problem.apiError`,
    /// which `work` should use when it has a problem); CancelledError -> 503 `cancelled` (the client is gone).
    public static func respond(to request: HTTPRequest, _ work: () throws -> [UInt8]) -> HTTPResponse {
        if let error = MediaType.mismatch(
            method: request.method, path: request.path, accepted: "application/json",
            contentType: request.headers["Content-Type"])
        {
            return error.response
        }
        do {
            return HTTPResponse.json(.ok, try work())
        } catch let error as APIError {
            return error.response
        } catch let error as EngineError {
            return APIError(engine: error, at: nil).response
        } catch is CancelledError {
            return APIError(
                status: .serviceUnavailable, code: .cancelled, message: "the client went away before the work finished"
            ).response
        } catch {
            return APIError(status: .internalServerError, code: .internalError, message: "unexpected error: \(error)")
                .response
        }
    }

    /// Runs the engine, mapping its errors to the problem's request paths.
    public static func run<Result>(_ problem: Problem, _ body: () throws -> Result) throws -> Result {
        do { return try body() } catch let error as EngineError { throw problem.apiError(error) }
    }
}
