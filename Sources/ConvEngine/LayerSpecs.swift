/// Conv padding as torch.nn.functional.conv2d takes it.
public enum ConvPadding: Sendable, Equatable {
    case explicit(Pair)
    /// No padding.
    case valid
    /// Output size = input size; requires stride 1; an odd total goes to the bottom/right.
    case same
}

/// How a conv pads its input: torch.nn.Conv2d's `padding_mode`.
public enum PaddingMode: String, Sendable, CaseIterable {
    case zeros, reflect, replicate, circular
}

/// torch.nn.functional.conv2d: cross-correlation, weight `[C_out, C_in/groups, kh, kw]`.
public struct Conv2dSpec: Sendable, Equatable {
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
        self.weight = weight; self.bias = bias; self.stride = stride; self.padding = padding
        self.dilation = dilation; self.groups = groups; self.paddingMode = paddingMode
    }
}

/// torch.nn.functional.max_pool2d.
public struct MaxPool2dSpec: Sendable, Equatable {
    public var kernel: Pair
    public var stride: Pair
    public var padding: Pair
    public var dilation: Pair
    public var ceilMode: Bool

    public init(kernel: Pair, stride: Pair? = nil, padding: Pair = Pair(0), dilation: Pair = Pair(1), ceilMode: Bool = false) {
        self.kernel = kernel; self.stride = stride ?? kernel; self.padding = padding
        self.dilation = dilation; self.ceilMode = ceilMode
    }
}

/// torch.nn.functional.avg_pool2d.
public struct AvgPool2dSpec: Sendable, Equatable {
    public var kernel: Pair
    public var stride: Pair
    public var padding: Pair
    public var ceilMode: Bool
    public var countIncludePad: Bool

    public init(kernel: Pair, stride: Pair? = nil, padding: Pair = Pair(0), ceilMode: Bool = false, countIncludePad: Bool = true) {
        self.kernel = kernel; self.stride = stride ?? kernel; self.padding = padding
        self.ceilMode = ceilMode; self.countIncludePad = countIncludePad
    }
}

/// torch.nn.functional.linear: `y = x W^T + b`, weight `[out_features, in_features]`.
public struct LinearSpec: Sendable, Equatable {
    public var weight: Tensor  // (F_out, F_in)
    public var bias: Tensor?  // (F_out)
    public init(weight: Tensor, bias: Tensor? = nil) { self.weight = weight; self.bias = bias }
}

/// One layer of a sequential network. Spatial layers take `[N, C, H, W]`; linear takes `[N, F]`.
public enum Layer: Sendable, Equatable {
    case conv2d(Conv2dSpec)
    case maxPool2d(MaxPool2dSpec)
    case avgPool2d(AvgPool2dSpec)
    case relu
    case leakyReLU(negativeSlope: Double)
    case sigmoid
    case tanh
    /// `[N, C, H, W]` (or any rank >= 2) becomes `[N, C*H*W]`.
    case flatten
    case linear(LinearSpec)
}
