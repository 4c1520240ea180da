/// conv_transpose2d: torch.nn.functional.conv_transpose2d, the adjoint of conv2d. Each input element
/// scatters its kernel-weighted copy into the output:
///
///     y[n, g*Cout/G + o, i*sh - ph + ki*dh, j*sw - pw + kj*dw] += x[n, c, i, j] * W[c, o, ki, kj]
///     H_out = (H - 1) * sh - 2 ph + dh (kh - 1) + output_padding_h + 1
///
/// with weight `[C_in, C_out/groups, kh, kw]` and `c` in group `g`; positions outside the output (the
/// cropped padding) are dropped. Backward: `dx[n, c, i, j] = sum of dy at those positions * W`,
/// `dW[c, o, ki, kj] = sum over n, i, j of x * dy`, `db[o] = sum of dy`. Direct loops, in the order
/// written. Edge cases: output_padding must be smaller than the stride or the dilation (PyTorch's
/// rule); groups divide both channel counts.
public struct ConvTranspose2d: Layer, Equatable {
    public static let typeName = "conv_transpose2d"
    public static let inputLayout = InputLayout.image

    public var weight: Tensor  // (C_in, C_out/groups, kh, kw)
    public var bias: Tensor?  // (C_out)
    public var stride: Pair
    public var padding: Pair
    public var outputPadding: Pair
    public var dilation: Pair
    public var groups: Int

    public init(
        weight: Tensor, bias: Tensor? = nil, stride: Pair = Pair(1), padding: Pair = Pair(0),
        outputPadding: Pair = Pair(0),
        dilation: Pair = Pair(1), groups: Int = 1
    ) {
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.dilation = dilation
        self.groups = groups
    }

    /// The sizes of one pass, checked.
    public struct Geometry: Sendable {
        public var batch, inChannels, height, width, outChannels, kernelH, kernelW, outH, outW: Int
        public var inPerGroup: Int { inChannels / groups }
        public var outPerGroup: Int { outChannels / groups }
        public var groups: Int
    }

    public func geometry(inputShape x: [Int], _ ctx: LayerContext) throws -> Geometry {
        try ctx.requireImage(x)
        let w = weight.shape
        guard w.count == 4, w.allSatisfy({ $0 >= 1 }) else {
            throw ctx.error(
                .shapeMismatch, field: "weight",
                "weight \(describe(w)) must be [in_channels, out_channels/groups, kh, kw]")
        }
        guard stride.h >= 1, stride.w >= 1 else {
            throw ctx.error(.invalidValue, field: "stride", "stride \(stride) must be >= 1")
        }
        guard dilation.h >= 1, dilation.w >= 1 else {
            throw ctx.error(.invalidValue, field: "dilation", "dilation \(dilation) must be >= 1")
        }
        guard padding.h >= 0, padding.w >= 0 else {
            throw ctx.error(.invalidValue, field: "padding", "padding \(padding) must be >= 0")
        }
        guard outputPadding.h >= 0, outputPadding.w >= 0, outputPadding.h < max(stride.h, dilation.h),
            outputPadding.w < max(stride.w, dilation.w)
        else {
            throw ctx.error(
                .invalidValue, field: "output_padding",
                "output_padding \(outputPadding) must be >= 0 and smaller than the stride \(stride) or the dilation \(dilation)"
            )
        }
        guard groups >= 1, x[1] % groups == 0 else {
            throw ctx.error(
                .shapeMismatch, field: "groups", "groups \(groups) must divide the input's \(x[1]) channels")
        }
        guard w[0] == x[1] else {
            throw ctx.error(
                .shapeMismatch, field: "weight",
                "input \(describe(x)) has \(x[1]) channels but weight \(describe(w)) expects \(w[0])")
        }
        let outChannels = w[1] * groups
        if let bias, bias.shape != [outChannels] {
            throw ctx.error(
                .shapeMismatch, field: "bias",
                "bias \(describe(bias.shape)) must be [\(outChannels)] for weight \(describe(w)) and groups \(groups)")
        }
        let outH = (x[2] - 1) * stride.h - 2 * padding.h + dilation.h * (w[2] - 1) + outputPadding.h + 1
        let outW = (x[3] - 1) * stride.w - 2 * padding.w + dilation.w * (w[3] - 1) + outputPadding.w + 1
        guard outH >= 1, outW >= 1 else {
            throw ctx.error(
                .kernelTooLarge, field: "padding",
                "padding \(padding) crops the whole output (it would be \(describe([outH, outW])))")
        }
        guard ShapeArithmetic.count([x[0], outChannels, outH, outW]) != nil else { throw ctx.tooLarge("the output") }
        return Geometry(
            batch: x[0], inChannels: x[1], height: x[2], width: x[3], outChannels: outChannels, kernelH: w[2],
            kernelW: w[3],
            outH: outH, outW: outW, groups: groups)
    }

    public func outputShape(inputShape: [Int], _ ctx: LayerContext) throws -> [Int] {
        let g = try geometry(inputShape: inputShape, ctx)
        return [g.batch, g.outChannels, g.outH, g.outW]
    }

    /// Forward `N * C_in * H * W * C_out/groups * kh * kw` multiply-adds, backward twice that.
    public func cost(inputShape: [Int], outputShape: [Int]) -> LayerCost {
        LayerCost(work: 3 * elementCount(inputShape) * elementCount(Array(weight.shape.dropFirst())))
    }

    /// Calls `body(n, c, i, j, o, ki, kj, outRow, outCol)` for every product inside the output,
    /// `o` the output channel.
    @inline(__always)
    public func forEachTap(_ g: Geometry, _ body: (Int, Int, Int, Int, Int, Int, Int, Int, Int) -> Void) {
        for n in 0..<g.batch {
            for c in 0..<g.inChannels {
                let group = c / g.inPerGroup
                for i in 0..<g.height {
                    for j in 0..<g.width {
                        for op in 0..<g.outPerGroup {
                            for ki in 0..<g.kernelH {
                                let r = i * stride.h - padding.h + ki * dilation.h
                                guard r >= 0, r < g.outH else { continue }
                                for kj in 0..<g.kernelW {
                                    let q = j * stride.w - padding.w + kj * dilation.w
                                    guard q >= 0, q < g.outW else { continue }
                                    body(n, c, i, j, group * g.outPerGroup + op, ki, kj, r, q)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    public func weightIndex(_ g: Geometry, _ c: Int, _ o: Int, _ ki: Int, _ kj: Int) -> Int {
        ((c * g.outPerGroup + o % g.outPerGroup) * g.kernelH + ki) * g.kernelW + kj
    }

    public func forward(_ x: Tensor, _ ctx: LayerContext) throws -> (output: Tensor, saved: Geometry) {
        let g = try geometry(inputShape: x.shape, ctx)
        var y = [Double](repeating: 0, count: g.batch * g.outChannels * g.outH * g.outW)
        forEachTap(g) { n, c, i, j, o, ki, kj, r, q in
            y[((n * g.outChannels + o) * g.outH + r) * g.outW + q] +=
                x.data[((n * g.inChannels + c) * g.height + i) * g.width + j]
                * weight.data[weightIndex(g, c, o, ki, kj)]
        }
        if let bias {
            for n in 0..<g.batch {
                for o in 0..<g.outChannels {
                    for p in 0..<(g.outH * g.outW) { y[(n * g.outChannels + o) * g.outH * g.outW + p] += bias.data[o] }
                }
            }
        }
        return (Tensor(shape: [g.batch, g.outChannels, g.outH, g.outW], data: y), g)
    }

    public func backward(_ gradOutput: Tensor, input x: Tensor, output: Tensor, saved g: Geometry) -> LayerGradients {
        var dx = [Double](repeating: 0, count: x.count)
        var dw = [Double](repeating: 0, count: weight.count)
        forEachTap(g) { n, c, i, j, o, ki, kj, r, q in
            let dy = gradOutput.data[((n * g.outChannels + o) * g.outH + r) * g.outW + q]
            let xi = ((n * g.inChannels + c) * g.height + i) * g.width + j
            let wi = weightIndex(g, c, o, ki, kj)
            dx[xi] += dy * weight.data[wi]
            dw[wi] += dy * x.data[xi]
        }
        var parameters = [NamedTensor("weight", Tensor(shape: weight.shape, data: dw))]
        if bias != nil {
            var db = [Double](repeating: 0, count: g.outChannels)
            for n in 0..<g.batch {
                for o in 0..<g.outChannels {
                    for p in 0..<(g.outH * g.outW) {
                        db[o] += gradOutput.data[(n * g.outChannels + o) * g.outH * g.outW + p]
                    }
                }
            }
            parameters.append(NamedTensor("bias", Tensor(shape: [g.outChannels], data: db)))
        }
        return LayerGradients(input: Tensor(shape: x.shape, data: dx), parameters: parameters)
    }

    public var parameters: [NamedTensor] {
        [NamedTensor("weight", weight)] + (bias.map { [NamedTensor("bias", $0)] } ?? [])
    }

    public func replacingParameters(_ tensors: [Tensor]) -> ConvTranspose2d {
        var layer = self
        layer.weight = tensors[0]
        if bias != nil { layer.bias = tensors[1] }
        return layer
    }
}
