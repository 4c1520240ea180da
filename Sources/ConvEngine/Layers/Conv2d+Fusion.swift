/// conv2d followed by an elementwise activation: both passes image by image
/// (Kernels/ConvActivationFusion.swift), with the values of the two layers run one after the other.
extension Conv2d: ActivationFusing {
    func fusedSteps(_ x: Tensor, index: Int, then activation: some ElementwiseActivation) throws -> FusedSteps? {
        let plan = try spec.plan(inputShape: x.shape, LayerContext(index: index, type: Self.typeName))
        guard ImplicitConv.applies(plan, kernel: KernelPath.active) else { return nil }
        let source = source(x, plan)
        let (y, r) = ConvKernels.forward(source, weight: spec.weight, bias: spec.bias, plan, then: activation)
        let first = LayerStep(output: y, buffers: []) { dy in
            backward(dy, input: x, output: y, saved: plan)
        }
        let second = LayerStep(output: r, buffers: []) { dr in
            activation.gradients(dr, input: y, output: r)
        }
        return FusedSteps(first: first, second: second) { dr in
            let grads = ConvKernels.backward(
                source, weight: spec.weight, plan, biasGradient: spec.bias != nil, through: activation,
                gradActivated: dr, output: y, activated: r)
            let dy = LayerGradients(input: grads.gradOutput)
            return (dy, layerGradients((grads.input, grads.weight, grads.bias), plan))
        }
    }
}
