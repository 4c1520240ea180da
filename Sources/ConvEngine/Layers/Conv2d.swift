/// conv2d: torch.nn.functional.conv2d (cross-correlation, no kernel flip).
///
///     y[n, o, i, j] = b[o] + sum over c, p, q of
///         W[o, c, p, q] * x_pad[n, g*C_in/groups + c, i*sh + p*dh, j*sw + q*dw]
///
/// where `g = o / (C_out/groups)` and `x_pad` is the input padded by `resolvedPadding()` with zeros
/// or, for reflect/replicate/circular, with copies of input elements. The backward pass:
///
///     dW[o, c, p, q] = sum over n, i, j of dy[n, o, i, j] * x_pad[n, ., i*sh + p*dh, j*sw + q*dw]
///     db[o]          = sum over n, i, j of dy[n, o, i, j]
///     dx             = col2im(W^T · dy), folded back through the padding
@dynamicMemberLookup
public struct Conv2d: Layer, Equatable {
    public static let typeName = "conv2d"
    public static let inputLayout = InputLayout.image

    /// Weight `(C_out, C_in/groups, kh, kw)`, bias `(C_out)` and how the kernel slides.
    public var spec: ConvSpec

    public init(
        weight: Tensor, bias: Tensor? = nil, stride: Pair = Pair(1), padding: ConvPadding = .explicit(Pair(0)),
        dilation: Pair = Pair(1), groups: Int = 1, paddingMode: PaddingMode = .zeros
    ) {
        spec = ConvSpec(
            weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
            paddingMode: paddingMode)
    }

    public subscript<T>(dynamicMember path: WritableKeyPath<ConvSpec, T>) -> T {
        get { spec[keyPath: path] }
        set { spec[keyPath: path] = newValue }
    }

    public func outputShape(inputShape: [Int], _ ctx: LayerContext) throws -> [Int] {
        try spec.plan(inputShape: inputShape, ctx).outputShape
    }

    /// Forward `N * C_out * H_out * W_out * C_in/groups * kh * kw` multiply-adds, backward twice that
    /// (input and weight gradients); the scratch is the padded input.
    public func cost(inputShape: [Int], outputShape: [Int]) -> LayerCost {
        let macs = elementCount(outputShape) * elementCount(Array(spec.weight.shape.dropFirst()))
        let pad = (try? spec.resolvedPadding()) ?? ResolvedPadding(top: 0, bottom: 0, left: 0, right: 0)
        let padded = elementCount([
            inputShape[0], inputShape[1], inputShape[2] + pad.top + pad.bottom, inputShape[3] + pad.left + pad.right,
        ])
        return LayerCost(work: 3 * macs, scratchElements: padded)
    }

    /// The output, saving the plan (sizes checked once) for the backward pass.
    public func forward(_ x: Tensor, _ ctx: LayerContext) throws -> (output: Tensor, saved: ConvPlan) {
        let plan = try spec.plan(inputShape: x.shape, ctx)
        return (forward(x, plan: plan), plan)
    }

    /// The output for a checked plan.
    func forward(_ x: Tensor, plan: ConvPlan) -> Tensor {
        ConvKernels.forward(source(x, plan), weight: spec.weight, bias: spec.bias, plan)
    }

    public func backward(_ gradOutput: Tensor, input: Tensor, output: Tensor, saved plan: ConvPlan) -> LayerGradients {
        let grads = ConvKernels.backward(
            source(input, plan), weight: spec.weight, gradOutput: gradOutput, plan, biasGradient: spec.bias != nil)
        return layerGradients(grads, plan)
    }

    /// What the kernels slide over: `x`, or `x` padded by the padding mode.
    func source(_ x: Tensor, _ plan: ConvPlan) -> Tensor {
        plan.modePadding == nil ? x : ModePadding.pad(x, plan)
    }

    /// The kernels' gradients as the layer's: dx folded back through a padding mode, weight before bias.
    func layerGradients(_ grads: (input: Tensor, weight: Tensor, bias: Tensor?), _ plan: ConvPlan) -> LayerGradients {
        let dx = plan.modePadding == nil ? grads.input : ModePadding.fold(grads.input, plan)
        let dW = NamedTensor("weight", grads.weight)
        return LayerGradients(input: dx, parameters: grads.bias.map { [dW, NamedTensor("bias", $0)] } ?? [dW])
    }

    public var parameters: [NamedTensor] {
        [NamedTensor("weight", spec.weight)] + (spec.bias.map { [NamedTensor("bias", $0)] } ?? [])
    }

    public func replacingParameters(_ tensors: [Tensor]) -> Conv2d {
        var layer = self
        layer.spec.weight = tensors[0]
        if spec.bias != nil { layer.spec.bias = tensors[1] }
        return layer
    }
}

extension Conv2d {
    /// dL/d(input) and the parameters' gradients without a forward pass (grading's mistaken readings
    /// run the engine's kernels this way); zeros of the right shapes when the shapes do not fit.
    public func gradients(input: Tensor, gradOutput: Tensor) -> LayerGradients {
        guard let plan = try? spec.plan(inputShape: input.shape, LayerContext(index: 0, type: Self.typeName)),
            gradOutput.shape == plan.outputShape
        else {
            return .zeros(input: input.shape, parameters: parameters)
        }
        return backward(gradOutput, input: input, output: gradOutput, saved: plan)
    }
}
