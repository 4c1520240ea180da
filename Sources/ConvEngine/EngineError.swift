/// Where in a problem an error lies; the API layer turns this into a JSON path.
public enum ErrorSite: Sendable, Equatable {
    case input
    /// A layer, and the field of it at fault (`"weight"`, `"stride"`, ...) when one is.
    case layer(Int, field: String?)
    /// The loss, and the field at fault (`"target"`, `"beta"`, ...) when one is.
    case loss(field: String?)
    case gradOutput
}

/// A problem the engine cannot run, with a message that names what was expected and what was found
/// ("layer 0 (<type>): input has 3 channels, weight [2, 1, 3, 3] expects 1 (groups 1)").
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    public var site: ErrorSite

    public init(code: ErrorCode, message: String, site: ErrorSite) {
        self.code = code
        self.message = message
        self.site = site
    }

    public var description: String { "\(code): \(message)" }
}

/// Thrown by the network between layers when its cancellation check says the client is gone.
public struct CancelledError: Error, Sendable, Equatable {
    public init() {}
}
