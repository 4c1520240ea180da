import Foundation
import GradClient

/// One line describing an error response: `422 invalid_request at layers[0].stride: message`, read
/// from the API's error body `{"error": {"code", "message", "path"}}`, or the raw body otherwise.
struct ErrorSummary: CustomStringConvertible {
    let description: String

    init(_ response: HTTPResponse) {
        guard let error = ErrorSummary.errorObject(response.body),
            let message = error["message"] as? String
        else {
            description = "HTTP \(response.status): \(response.text)"
            return
        }
        var line = "HTTP \(response.status)"
        if let code = error["code"] as? String { line += " \(code)" }
        if let path = error["path"] as? String { line += " at \(path)" }
        description = "\(line): \(message)"
    }

    private static func errorObject(_ body: [UInt8]) -> [String: Any]? {
        let document = try? JSONSerialization.jsonObject(with: Data(body))
        return (document as? [String: Any])?["error"] as? [String: Any]
    }
}
