/// conv2d forward and backward: torch.nn.functional.conv2d (cross-correlation, no kernel flip).
///
///     y[n, o, i, j] = b[o] + sum over c, p, q of
///         W[o, c, p, q] * x_pad[n, g*C_in/groups + c, i*sh + p*dh, j*sw + q*dw]
///
/// where `g = o / (C_out/groups)` and `x_pad` is the input padded by `resolvedPadding()` with zeros
/// or, for reflect/replicate/circular, with copies of input elements.
extension Conv2dSpec {
    /// The output `(N, C_out, H_out, W_out)` for an input `(N, C_in, H, W)`.
    ///
    /// Throws `EngineError` (site `.layer(0, ...)`) when the shapes or hyperparameters do not fit.
    public func forward(_ x: Tensor) throws -> Tensor {
        try forward(x, LayerContext(index: 0, type: "conv2d"))
    }

    func forward(_ x: Tensor, _ ctx: LayerContext) throws -> Tensor {
        try forward(x, plan: plan(inputShape: x.shape, ctx))
    }

    /// The forward pass for a validated plan.
    func forward(_ x: Tensor, plan p: ConvPlan) -> Tensor {
        let source = p.modePadding == nil ? x : ModePadding.pad(x, p)
        return ConvKernels.forward(source, weight: weight, bias: bias, p)
    }

    /// Gradients of the loss with respect to the input, the weight and the bias (nil without a bias),
    /// given dL/dy (`gradOutput`, the shape `forward(input)` returned).
    ///
    ///     dW[o, c, p, q] = sum over n, i, j of dy[n, o, i, j] * x_pad[n, ., i*sh + p*dh, j*sw + q*dw]
    ///     db[o]          = sum over n, i, j of dy[n, o, i, j]
    ///     dx             = col2im(W^T · dy), folded back through the padding
    ///
    /// Precondition: `forward(input)` succeeds and `gradOutput` has its output's shape; otherwise
    /// (a programming error, never a request's) the gradients are zeros of the right shapes.
    public func backward(input: Tensor, gradOutput: Tensor) -> (input: Tensor, weight: Tensor, bias: Tensor?) {
        let zeroBias = bias.map { Tensor(shape: $0.shape) }
        guard let p = try? plan(inputShape: input.shape, LayerContext(index: 0, type: "conv2d")),
            gradOutput.shape == p.outputShape
        else { return (Tensor(shape: input.shape), Tensor(shape: weight.shape), zeroBias) }
        return backward(input: input, gradOutput: gradOutput, p)
    }

    func backward(input: Tensor, gradOutput: Tensor, _ p: ConvPlan) -> (input: Tensor, weight: Tensor, bias: Tensor?) {
        let source = p.modePadding == nil ? input : ModePadding.pad(input, p)
        let grads = ConvKernels.backward(source, weight: weight, gradOutput: gradOutput, p)
        let dx = p.modePadding == nil ? grads.input : ModePadding.fold(grads.input, p)
        let db = bias == nil ? nil : ConvKernels.biasGradient(gradOutput, p)
        return (dx, grads.weight, db)
    }
}
