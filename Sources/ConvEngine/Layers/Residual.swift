/// residual: `y = x + block(x)`, a block of layers run in order inside one layer (a ResNet block).
/// The block's output must have the input's shape. Backward: the gradient goes through the block and
/// around it, `dx = dx_block + dy`. The block's parameters and buffers are named
/// `"<inner name>.<parameter>"` (the API prefixes the block's own name: `"3.0.weight"`), as
/// `nn.Sequential` names nested modules.
public struct Residual: Layer {
    public static let typeName = "residual"
    public static let inputLayout = InputLayout.any

    public var layers: [any Layer]
    /// One name per inner layer: its own, or its index in the block.
    public var names: [String]

    public init(layers: [any Layer], names: [String]? = nil) {
        self.layers = layers
        self.names = names ?? layers.indices.map(String.init)
    }

    /// What the backward pass needs: each inner layer's backward pass, bound to its forward pass.
    public struct Saved: Sendable {
        var steps: [LayerBackward]
        var buffers: [NamedTensor]
    }

    public func outputShape(inputShape: [Int], _ ctx: LayerContext) throws -> [Int] {
        var shape = inputShape
        for (i, layer) in layers.enumerated() {
            shape = try layer.outputShape(inputShape: shape, ctx.inner(i, layer.typeName))
        }
        guard shape == inputShape else {
            throw ctx.error(
                .shapeMismatch, field: "layers",
                "the block's output \(describe(shape)) must have its input's shape \(describe(inputShape)) to be added to it"
            )
        }
        return shape
    }

    public func cost(inputShape: [Int], outputShape: [Int]) -> LayerCost {
        var total = LayerCost(work: elementCount(inputShape) * 2)
        var shape = inputShape
        for layer in layers {
            guard let next = try? layer.outputShape(inputShape: shape, index: 0) else { break }
            let inner = layer.cost(inputShape: shape, outputShape: next)
            total.work += inner.work
            total.scratchElements = max(total.scratchElements, inner.scratchElements, elementCount(next))
            shape = next
        }
        return total
    }

    public func forward(_ x: Tensor, _ ctx: LayerContext) throws -> (output: Tensor, saved: Saved) {
        _ = try outputShape(inputShape: x.shape, ctx)
        var h = x
        var steps: [LayerBackward] = []
        var buffers: [NamedTensor] = []
        for (i, layer) in layers.enumerated() {
            let step = try layer.step(h, ctx.inner(i, layer.typeName))
            steps.append(step.backward)
            buffers += step.buffers.map { NamedTensor("\(names[i]).\($0.name)", $0.tensor) }
            h = step.output
        }
        return (
            Tensor(shape: x.shape, data: zip(x.data, h.data).map { $0 + $1 }), Saved(steps: steps, buffers: buffers)
        )
    }

    public func backward(_ gradOutput: Tensor, input: Tensor, output: Tensor, saved: Saved) -> LayerGradients {
        var g = gradOutput
        var parameters: [[NamedTensor]] = []
        for (i, step) in saved.steps.enumerated().reversed() {
            let inner = step(g)
            parameters.append(inner.parameters.map { NamedTensor("\(names[i]).\($0.name)", $0.tensor) })
            g = inner.input
        }
        let dx = Tensor(shape: input.shape, data: zip(g.data, gradOutput.data).map { $0 + $1 })
        return LayerGradients(input: dx, parameters: parameters.reversed().flatMap { $0 })
    }

    public var parameters: [NamedTensor] {
        zip(names, layers).flatMap { name, layer in
            layer.parameters.map { NamedTensor("\(name).\($0.name)", $0.tensor) }
        }
    }

    public func replacingParameters(_ tensors: [Tensor]) -> Residual {
        var copy = self
        var rest = tensors[...]
        copy.layers = layers.map { layer in
            let count = layer.parameters.count
            defer { rest = rest.dropFirst(count) }
            return layer.replacingParameters(Array(rest.prefix(count)))
        }
        return copy
    }

    public func updatedBuffers(_ saved: Saved) -> [NamedTensor] { saved.buffers }
}
