/// Sizes of a max or average pool, checked once against an input `(N, C, H, W)`.
struct PoolPlan {
    var batch: Int
    var channels: Int
    var height: Int
    var width: Int
    var kernel: Pair
    var stride: Pair
    var padding: Pair
    var dilation: Pair
    var outHeight: Int
    var outWidth: Int

    var planes: Int { batch * channels }
    var inPlane: Int { height * width }
    var outPlane: Int { outHeight * outWidth }
    var outputShape: [Int] { [batch, channels, outHeight, outWidth] }

    /// Validates the hyperparameters as PyTorch's pool2d_shape_check does, and sizes the output.
    init(
        inputShape: [Int], kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, ceilMode: Bool,
        _ ctx: LayerContext
    ) throws {
        try ctx.requireImage(inputShape)
        try Self.checkPositive(kernel, "kernel_size", ctx)
        try Self.checkPositive(stride, "stride", ctx)
        try Self.checkPositive(dilation, "dilation", ctx)
        guard padding.h >= 0, padding.w >= 0, padding.h <= kernel.h / 2, padding.w <= kernel.w / 2 else {
            throw ctx.error(
                .invalidValue, field: "padding",
                "padding \(padding) must be >= 0 and at most half the kernel size \(kernel)")
        }
        (batch, channels, height, width) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        (self.kernel, self.stride, self.padding, self.dilation) = (kernel, stride, padding, dilation)
        outHeight = try Self.outputLength(height, kernel.h, stride.h, padding.h, dilation.h, ceilMode, ctx)
        outWidth = try Self.outputLength(width, kernel.w, stride.w, padding.w, dilation.w, ceilMode, ctx)
        guard outHeight >= 1, outWidth >= 1 else {
            throw ctx.error(
                .kernelTooLarge, field: "kernel_size",
                "kernel \(kernel) with dilation \(dilation) and padding \(padding) does not fit the input "
                    + "\(describe(inputShape)) (output would be \(describe([outHeight, outWidth])))")
        }
        guard ShapeArithmetic.count(outputShape) != nil else {
            throw ctx.tooLarge("the output \(describe(outputShape))")
        }
    }

    private static func checkPositive(_ value: Pair, _ field: String, _ ctx: LayerContext) throws {
        guard value.h >= 1, value.w >= 1 else {
            throw ctx.error(.invalidValue, field: field, "\(field) \(value) must be >= 1")
        }
    }

    /// PyTorch's pooling_output_shape:
    /// `out = floor_or_ceil((in + 2*pad - dilation*(k-1) - 1) / stride) + 1`, and with ceil_mode the
    /// last window must start inside the input or the left padding: if `(out-1)*stride >= in + pad`,
    /// `out -= 1`.
    static func outputLength(
        _ size: Int, _ kernel: Int, _ stride: Int, _ pad: Int, _ dilation: Int, _ ceilMode: Bool, _ ctx: LayerContext
    ) throws -> Int {
        guard let after = ShapeArithmetic.sum(pad, ceilMode ? stride - 1 : 0) else { throw ctx.tooLarge("the stride") }
        var out = try slidingCount(size, pad, after, kernel, stride, dilation, ctx)
        if ceilMode, out >= 1, (out - 1) * stride >= size + pad { out -= 1 }
        return out
    }
}
