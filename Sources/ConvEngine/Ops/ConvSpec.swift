/// Conv padding as PyTorch's convolutions take it.
public enum ConvPadding: Sendable, Equatable {
    case explicit(Pair)
    /// No padding.
    case valid
    /// Output size = input size; requires stride 1; an odd total goes to the bottom/right.
    case same
}

/// How a conv pads its input: the `padding_mode` of PyTorch's conv modules.
public enum PaddingMode: String, Sendable, CaseIterable {
    case zeros, reflect, replicate, circular
}

/// What a convolution of the conv family is: its weight and bias and how the kernel slides over the
/// input (the arguments of PyTorch's functional convolutions). Cross-correlation, weight `[C_out, C_in/groups, kh, kw]`.
public struct ConvSpec: Sendable, Equatable {
    public var weight: Tensor  // (C_out, C_in/groups, kh, kw)
    public var bias: Tensor?  // (C_out)
    public var stride: Pair
    public var padding: ConvPadding
    public var dilation: Pair
    public var groups: Int
    public var paddingMode: PaddingMode

    public init(
        weight: Tensor, bias: Tensor? = nil, stride: Pair = Pair(1), padding: ConvPadding = .explicit(Pair(0)),
        dilation: Pair = Pair(1), groups: Int = 1, paddingMode: PaddingMode = .zeros
    ) {
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        self.paddingMode = paddingMode
    }
}
