import JSONCodec

/// The API's limits: named values with defaults, settable by the server's flags.
public struct APIConfiguration: Sendable {
    /// Largest tensor a request may write, or the engine may hold (an activation, a padded input): 413 above.
    public var maxTensorElements: Int = 16_777_216
    /// Largest estimated work of one problem, forward plus backward, in multiply-adds: 413 above.
    /// The default admits a [8, 64, 56, 56] 3x3 64->64 conv (about 2.8e9) with room to spare.
    public var maxWork: Double = 20_000_000_000
    /// Largest number of elements one problem holds at once (the input, every activation and its
    /// gradient; 512 MiB of float64 by default): 413 above, so a long network cannot exhaust memory.
    public var maxHeldElements: Double = 67_108_864
    /// Nesting and number-length limits for the JSON reader (openapi.yaml: deeper than 64 is 400).
    public var jsonLimits = JSONLimits()
    /// Largest /gradcheck work, two forward passes per gradient element, in multiply-adds: 413 above.
    public var maxGradcheckWork: Double = 1_000_000_000
    /// Most terms one /explain answer lists (each is ~150 bytes of JSON): 413 above. A conv bias
    /// over a large activation sums one term per output element.
    public var maxExplainTerms: Int = 100_000

    public init() {}

    public init(maxTensorElements: Int = 16_777_216, maxWork: Double = 20_000_000_000) {
        self.maxTensorElements = maxTensorElements
        self.maxWork = maxWork
    }

    var tensorDecoder: TensorDecoder { TensorDecoder(maxElements: maxTensorElements) }
}
