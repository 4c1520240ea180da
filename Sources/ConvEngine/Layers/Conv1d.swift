/// conv1d: torch.nn.functional.conv1d, run as the conv2d of a one-row image so that both share one
/// plan and one set of kernels: input `[N, C, L]` is `[N, C, 1, L]`, weight `[out, in/groups, k]` is
/// `[out, in/groups, 1, k]`, and stride, padding and dilation apply to the width only.
///
///     y[n, o, i] = b[o] + sum over c, q of W[o, c, q] * x_pad[n, g*C_in/groups + c, i*s + q*d]
public struct Conv1d: Layer, Equatable {
    public static let typeName = "conv1d"
    public static let inputLayout = InputLayout.sequence

    /// The conv2d over `[N, C, 1, L]` this layer is.
    public var conv: Conv2d

    /// `weight` `[out, in/groups, k]`; `padding` in elements (`.explicit(Pair(0, p))`), `"valid"` or `"same"`.
    public init(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: ConvPadding = .explicit(Pair(0)),
        dilation: Int = 1,
        groups: Int = 1, paddingMode: PaddingMode = .zeros
    ) {
        let rowPadding: ConvPadding = if case .explicit(let p) = padding { .explicit(Pair(0, p.w)) } else { padding }
        conv = Conv2d(
            weight: weight.reshaped(Array(weight.shape.prefix(2)) + [1] + Array(weight.shape.dropFirst(2))), bias: bias,
            stride: Pair(1, stride), padding: rowPadding, dilation: Pair(1, dilation), groups: groups,
            paddingMode: paddingMode)
    }

    /// The weight as the layer takes it, `[out, in/groups, k]`.
    public var weight: Tensor {
        let w = conv.spec.weight
        return w.reshaped([w.shape[0], w.shape[1], w.shape[3]])
    }

    static func image(_ shape: [Int]) -> [Int] { [shape[0], shape[1], 1, shape[2]] }

    public func outputShape(inputShape: [Int], _ ctx: LayerContext) throws -> [Int] {
        guard inputShape.count == 3 else {
            throw ctx.rankError("input \(describe(inputShape)) has \(inputShape.count) dims; conv1d takes [N, C, L]")
        }
        guard conv.spec.weight.rank == 4, conv.spec.weight.shape[2] == 1 else {
            throw ctx.error(
                .shapeMismatch, field: "weight",
                "weight \(describe(weight.shape)) must be [out_channels, in_channels/groups, k]")
        }
        let out = try inOwnShapes(input: inputShape, ctx) {
            try conv.outputShape(inputShape: Self.image(inputShape), ctx)
        }
        return [out[0], out[1], out[3]]
    }

    /// Runs the conv2d's checks and words their errors in conv1d's own shapes: the `[N, C, 1, L]`
    /// image and `[out, in/groups, 1, k]` weight read as the `[N, C, L]` input and `[out, in/groups,
    /// k]` weight the request wrote, and a kernel that does not fit as a length.
    private func inOwnShapes<T>(input: [Int], _ ctx: LayerContext, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var error as EngineError {
            if error.code == .kernelTooLarge, let pad = try? conv.spec.resolvedPadding(ctx) {
                let k = weight.shape[2]
                let span = conv.spec.dilation.w * (k - 1) + 1
                throw ctx.error(
                    .kernelTooLarge, field: "weight",
                    "kernel \(k) with dilation \(conv.spec.dilation.w) spans \(span) positions, more than the "
                        + "\(input[2] + pad.left + pad.right) of the input (length \(input[2]), padding \(pad.left) "
                        + "left and \(pad.right) right): the output would be empty")
            }
            error.message = error.message
                .replacing(describe(Self.image(input)), with: describe(input))
                .replacing(describe(conv.spec.weight.shape), with: describe(weight.shape))
            throw error
        }
    }

    public func cost(inputShape: [Int], outputShape: [Int]) -> LayerCost {
        conv.cost(inputShape: Self.image(inputShape), outputShape: Self.image(outputShape))
    }

    public func forward(_ x: Tensor, _ ctx: LayerContext) throws -> (output: Tensor, saved: ConvPlan) {
        _ = try outputShape(inputShape: x.shape, ctx)
        let (y, plan) = try conv.forward(x.reshaped(Self.image(x.shape)), ctx)
        return (y.reshaped([y.shape[0], y.shape[1], y.shape[3]]), plan)
    }

    public func backward(_ gradOutput: Tensor, input: Tensor, output: Tensor, saved plan: ConvPlan) -> LayerGradients {
        let g = conv.backward(
            gradOutput.reshaped(Self.image(gradOutput.shape)), input: input.reshaped(Self.image(input.shape)),
            output: output.reshaped(Self.image(output.shape)), saved: plan)
        let weightShape = weight.shape
        return LayerGradients(
            input: g.input.reshaped(input.shape),
            parameters: g.parameters.map {
                $0.name == "weight" ? NamedTensor("weight", $0.tensor.reshaped(weightShape)) : $0
            })
    }

    public var parameters: [NamedTensor] {
        [NamedTensor("weight", weight)] + (conv.spec.bias.map { [NamedTensor("bias", $0)] } ?? [])
    }

    public func replacingParameters(_ tensors: [Tensor]) -> Conv1d {
        var layer = self
        layer.conv.spec.weight = tensors[0].reshaped(conv.spec.weight.shape)
        if conv.spec.bias != nil { layer.conv.spec.bias = tensors[1] }
        return layer
    }
}
