/// A machine-readable error code of the contract (openapi.yaml, `Error`; openapi.yaml, `Error.code`):
/// a typo is a compile error, not a new code. The engine's codes are here; GradAPI adds the API's.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// Ranks, channels, features, groups, bias, target or grad_output shapes that do not fit.
    public static let shapeMismatch = ErrorCode(rawValue: "shape_mismatch")
    /// A hyperparameter out of range, a class index out of range or not integral, a target outside
    /// its domain.
    public static let invalidValue = ErrorCode(rawValue: "invalid_value")
    /// The (dilated) kernel does not fit the padded input (output size < 1).
    public static let kernelTooLarge = ErrorCode(rawValue: "kernel_too_large")
    /// A size overflows or exceeds 2^31 elements.
    public static let tooLarge = ErrorCode(rawValue: "too_large")
}
