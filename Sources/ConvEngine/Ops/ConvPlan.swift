/// Everything a conv pass needs to know about sizes, checked once before any arithmetic.
///
/// For `padding_mode` zeros the padding is implicit (`pad`); for reflect/replicate/circular the
/// input is first padded explicitly (`modePadding`, as PyTorch's conv modules do with F.pad) and the
/// conv itself then runs on the padded input with `pad` all zero.
public struct ConvPlan: Sendable {
    var batch: Int
    var inChannels: Int
    /// Height and width of what the conv slides over (the explicitly padded input for non-zero modes).
    var height: Int
    var width: Int
    var outChannels: Int
    var groups: Int
    var kernel: Pair
    var stride: Pair
    var dilation: Pair
    /// Implicit zero padding around (height, width).
    var pad: ResolvedPadding
    var outHeight: Int
    var outWidth: Int
    /// Padding materialised by `paddingMode` (nil for zeros), and the unpadded input's (H, W).
    var modePadding: ResolvedPadding?
    var mode: PaddingMode
    var inputHeight: Int
    var inputWidth: Int
    /// Target size in doubles of one tile's im2col matrix (see `ConvScratch`).
    var tileBudget = ConvScratch.defaultTileBudget

    var inPerGroup: Int { inChannels / groups }
    var outPerGroup: Int { outChannels / groups }
    /// Rows of one group's im2col matrix: `C_in/groups * kh * kw`.
    var patchSize: Int { inPerGroup * kernel.h * kernel.w }
    /// Columns of the im2col matrix: `H_out * W_out`.
    var outPlane: Int { outHeight * outWidth }
    var inPlane: Int { height * width }
    var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }
}

extension ConvSpec {
    /// Validates this conv against an input shape and computes its geometry.
    func plan(inputShape: [Int], _ ctx: LayerContext) throws -> ConvPlan {
        try ctx.requireImage(inputShape)
        let w = weight.shape
        guard w.count == 4, w.allSatisfy({ $0 >= 1 }) else {
            throw ctx.error(
                .shapeMismatch, field: "weight",
                "weight \(describe(w)) must be [out_channels, in_channels/groups, kh, kw] with no empty dimension")
        }
        try checkHyperparameters(ctx)
        try checkChannels(inputShape, ctx)
        try checkBias(outChannels: w[0], ctx)
        let pad = try resolvedPadding(ctx)
        let (h, wd) = (inputShape[2], inputShape[3])
        try checkModePadding(pad, height: h, width: wd, ctx)
        let out = try outputSize(height: h, width: wd, pad: pad, ctx)
        let zeros = paddingMode == .zeros
        let none = ResolvedPadding(top: 0, bottom: 0, left: 0, right: 0)
        let plan = ConvPlan(
            batch: inputShape[0], inChannels: inputShape[1],
            height: zeros ? h : h + pad.top + pad.bottom, width: zeros ? wd : wd + pad.left + pad.right,
            outChannels: w[0], groups: groups, kernel: Pair(w[2], w[3]), stride: stride, dilation: dilation,
            pad: zeros ? pad : none, outHeight: out.h, outWidth: out.w,
            modePadding: zeros ? nil : pad, mode: paddingMode, inputHeight: h, inputWidth: wd)
        try checkSizes(plan, ctx)
        return plan
    }

    /// `C_in == weight[1] * groups`, and groups divides both channel counts.
    private func checkChannels(_ input: [Int], _ ctx: LayerContext) throws {
        let w = weight.shape
        guard input[1] % groups == 0 else {
            throw ctx.error(
                .shapeMismatch, field: "groups",
                "groups \(groups) does not divide the input's \(input[1]) channels (input \(describe(input)))")
        }
        guard w[0] % groups == 0 else {
            throw ctx.error(
                .shapeMismatch, field: "groups",
                "groups \(groups) does not divide the \(w[0]) output channels of weight \(describe(w))")
        }
        guard input[1] == w[1] * groups else {
            throw ctx.error(
                .shapeMismatch, field: "weight",
                "input \(describe(input)) has \(input[1]) channels but weight \(describe(w)) with groups \(groups) "
                    + "expects \(w[1] * groups)")
        }
    }

    private func checkBias(outChannels: Int, _ ctx: LayerContext) throws {
        guard let bias, bias.shape != [outChannels] else { return }
        throw ctx.error(
            .shapeMismatch, field: "bias",
            "bias \(describe(bias.shape)) must be [\(outChannels)] for weight \(describe(weight.shape))")
    }

    /// F.pad's limits: reflect padding < the input size, circular padding <= it.
    private func checkModePadding(_ pad: ResolvedPadding, height: Int, width: Int, _ ctx: LayerContext) throws {
        let largest = Pair(max(pad.top, pad.bottom), max(pad.left, pad.right))
        switch paddingMode {
        case .zeros, .replicate:
            return
        case .reflect:
            guard largest.h < height, largest.w < width else {
                throw ctx.error(
                    .invalidValue, field: "padding",
                    "reflect padding \(pad) must be smaller than the input \(describe([height, width]))")
            }
        case .circular:
            guard largest.h <= height, largest.w <= width else {
                throw ctx.error(
                    .invalidValue, field: "padding",
                    "circular padding \(pad) must not exceed the input \(describe([height, width]))")
            }
        }
    }

    /// The output, the explicitly padded input and one im2col matrix must fit `maxElements`.
    private func checkSizes(_ p: ConvPlan, _ ctx: LayerContext) throws {
        guard ShapeArithmetic.count(p.outputShape) != nil else {
            throw ctx.tooLarge("the output \(describe(p.outputShape))")
        }
        guard ShapeArithmetic.count([p.batch, p.inChannels, p.height, p.width]) != nil else {
            throw ctx.tooLarge("the padded input")
        }
        guard ShapeArithmetic.count([p.inPerGroup, p.kernel.h, p.kernel.w, p.outHeight, p.outWidth]) != nil else {
            throw ctx.tooLarge("the im2col matrix")
        }
    }
}
