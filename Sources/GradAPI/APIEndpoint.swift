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
        do {
            try checkMediaType(request)
            return HTTPResponse.json(200, try work())
        } catch let error as APIError {
            return error.response
        } catch let error as EngineError {
            return APIError(engine: error, at: nil).response
        } catch is CancelledError {
            return APIError(status: 503, code: .cancelled, message: "the client went away before the work finished").response
        } catch {
            return APIError(status: 500, code: .internalError, message: "unexpected error: \(error)").response
        }
    }

    /// 415 unless `Content-Type` is `application/json` (parameters such as `charset` are fine; RFC 9110 §8.3.1).
    public static func checkMediaType(_ request: HTTPRequest) throws {
        let contentType = request.headers["Content-Type"]
        guard let contentType, isJSON(contentType) else { throw APIError.unsupportedMediaType(found: contentType) }
    }

    /// Whether a Content-Type's media type, before any `;` parameters, is application/json
    /// (case-insensitive, surrounding spaces and tabs ignored), compared without allocating.
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let trimmed = mediaType.drop(while: isBlank).reversed().drop(while: isBlank).reversed()
        let expected = "application/json".utf8
        let lowercased = { (byte: UInt8) in (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte }
        return trimmed.count == expected.count && zip(trimmed, expected).allSatisfy { lowercased($0) == $1 }
    }

    /// Runs the engine, mapping its errors to the problem's request paths.
    public static func run<Result>(_ problem: Problem, _ body: () throws -> Result) throws -> Result {
        do { return try body() } catch let error as EngineError { throw problem.apiError(error) }
    }
}
