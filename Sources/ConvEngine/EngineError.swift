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
/// ("layer 0 (conv2d): input has 3 channels, weight [2, 1, 3, 3] expects 1 (groups 1)").
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable machine-readable code:
    /// - `shape_mismatch`: ranks, channels, features, groups, bias, target or grad_output shapes;
    /// - `invalid_value`: a hyperparameter out of range (stride/dilation/kernel < 1, negative or too
    ///   much padding, "same" with stride > 1), a class index out of range or not integral, a
    ///   bce_with_logits target outside [0, 1], a bad beta/delta;
    /// - `kernel_too_large`: the (dilated) kernel does not fit the padded input (output size < 1);
    /// - `too_large`: a size overflows or exceeds 2^31 elements.
    public var code: String
    public var message: String
    public var site: ErrorSite

    public init(code: String, message: String, site: ErrorSite) {
        self.code = code; self.message = message; self.site = site
    }

    public var description: String { "\(code): \(message)" }
}

/// Thrown by the network between layers when its cancellation check says the client is gone.
public struct CancelledError: Error, Sendable, Equatable {
    public init() {}
}
