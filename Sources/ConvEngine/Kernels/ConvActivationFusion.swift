/// A conv and the elementwise activation after it (ReLU in cifar and mnist), each pass done image
/// by image while the image is in the core's cache (docs/PERFORMANCE.md, "cifar after fusing"):
///
///     forward:  y = conv(x);  r = f(y)            f applied to image n right after it is written
///     backward: dy = f'(y, r) · dr;  conv's dx, dW, db from dy    image n's dy written right before
///                                                                  the conv's backward reads it
///
/// Both `y` and `r` (and `dy`) are written in full, since the API returns each layer's output and
/// dL/d(output); what the fusion saves is reading them back from memory. Every element goes
/// through the activation's own loops (`applyLoop`, `applyDerivativeLoop`) and the conv through
/// the same kernels in the same order, so the values are those of the two layers run one after
/// the other, bit for bit. Only the implicit lowering fuses (ImplicitConv.swift: its work items
/// are images); elsewhere the two passes run one after the other.
extension ConvKernels {
    /// `(y, f(y))` for `y = conv(x) + b`, both `(N, C_out, H_out, W_out)`.
    static func forward<A: ElementwiseActivation>(
        _ x: Tensor, weight: Tensor, bias: Tensor?, _ p: ConvPlan, then activation: A
    ) -> (output: Tensor, activated: Tensor) {
        let count = p.batch * p.outChannels * p.outPlane
        guard count > 0, ImplicitConv.applies(p, kernel: KernelPath.active) else {
            let y = forward(x, weight: weight, bias: bias, p)
            return (y, activation.forward(y))
        }
        let image = p.outChannels * p.outPlane
        var activated = [Double](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        let output = activated.withUnsafeMutableBufferPointer { ab in
            let r = ab.baseAddress!
            return [Double](unsafeUninitializedCapacity: count) { ob, initialized in
                let y = ob.baseAddress!
                forward(x, weight: weight, bias: bias, p, into: y) { n in
                    activation.applyLoop(y, r, n * image..<(n + 1) * image)
                }
                initialized = count
            }
        }
        return (Tensor(shape: p.outputShape, data: output), Tensor(shape: p.outputShape, data: activated))
    }

    /// The activation's input gradient `dy = f'(y, r) · dr` and the conv's gradients from it.
    ///
    /// Precondition: `gradActivated`, `output` (`y`) and `activated` (`r = f(y)`) all have the
    /// conv's output shape.
    static func backward<A: ElementwiseActivation>(
        _ x: Tensor, weight: Tensor, _ p: ConvPlan, biasGradient wantsBias: Bool, through activation: A,
        gradActivated dr: Tensor, output y: Tensor, activated r: Tensor
    ) -> (gradOutput: Tensor, input: Tensor, weight: Tensor, bias: Tensor?) {
        let count = p.batch * p.outChannels * p.outPlane
        guard count > 0, ImplicitConv.applies(p, kernel: KernelPath.active) else {
            let dy = activation.gradients(dr, input: y, output: r).input
            let grads = backward(x, weight: weight, gradOutput: dy, p, biasGradient: wantsBias)
            return (dy, grads.input, grads.weight, grads.bias)
        }
        let image = p.outChannels * p.outPlane
        var dy = [Double](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        let grads = dy.withUnsafeMutableBufferPointer { db in
            y.data.withUnsafeBufferPointer { yb in
                r.data.withUnsafeBufferPointer { rb in
                    dr.data.withUnsafeBufferPointer { gb in
                        let (dyp, yp, rp, gp) = (db.baseAddress!, yb.baseAddress!, rb.baseAddress!, gb.baseAddress!)
                        return backward(
                            x, weight: weight, dy: dyp, p, biasGradient: wantsBias, implicitAllowed: true
                        ) { n in
                            activation.applyDerivativeLoop(yp, rp, gp, dyp, n * image..<(n + 1) * image)
                        }
                    }
                }
            }
        }
        return (Tensor(shape: p.outputShape, data: dy), grads.input, grads.weight, grads.bias)
    }
}
