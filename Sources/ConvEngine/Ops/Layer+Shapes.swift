/// Shape inference without arithmetic: validates a network against an input shape and gives every
/// layer's output shape and a work estimate, so a caller can refuse a problem before computing.
extension Layer {
    /// The output shape for `inputShape`, throwing the same errors `forward` would.
    public func outputShape(inputShape: [Int], index: Int = 0) throws -> [Int] {
        let ctx = LayerContext(index: index, type: typeName)
        switch self {
        case .conv2d(let spec): return try spec.plan(inputShape: inputShape, ctx).outputShape
        case .maxPool2d(let spec): return try spec.plan(inputShape: inputShape, ctx).outputShape
        case .avgPool2d(let spec): return try spec.plan(inputShape: inputShape, ctx).outputShape
        case .flatten: return try Flatten.outputShape(inputShape, ctx)
        case .linear(let spec):
            try spec.check(inputShape: inputShape, ctx)
            return [inputShape[0], spec.weight.shape[0]]
        case .relu, .leakyReLU, .sigmoid, .tanh: return inputShape
        }
    }

    /// Multiply-adds of one forward pass (a backward pass costs about twice as much), saturating at
    /// `Int.max`. Conv: `N * C_out * H_out * W_out * C_in/groups * kh * kw`; pool: output elements
    /// times window size (clipped to the input, as the loops are); linear: `N * F_out * F_in`; elementwise: element count.
    public func estimatedWork(inputShape: [Int], index: Int = 0) throws -> Int {
        let out = try outputShape(inputShape: inputShape, index: index)
        let outCount = out.reduce(1) { ShapeArithmetic.product($0, $1) ?? Int.max }
        let perOutput: Int
        switch self {
        case .conv2d(let spec): perOutput = spec.weight.shape.dropFirst().reduce(1, *)
        case .maxPool2d(let spec): perOutput = min(spec.kernel.h, inputShape[2]) * min(spec.kernel.w, inputShape[3])
        case .avgPool2d(let spec): perOutput = min(spec.kernel.h, inputShape[2]) * min(spec.kernel.w, inputShape[3])
        case .linear(let spec): perOutput = spec.weight.shape[1]
        case .flatten, .relu, .leakyReLU, .sigmoid, .tanh: perOutput = 1
        }
        return ShapeArithmetic.product(outCount, perOutput) ?? Int.max
    }
}

extension Network {
    /// Every layer's output shape for an input of `inputShape`, validating each layer in turn
    /// (the errors `forward` would throw, without computing anything).
    public func outputShapes(inputShape: [Int]) throws -> [[Int]] {
        var shapes: [[Int]] = []
        var shape = inputShape
        for (i, layer) in layers.enumerated() {
            shape = try layer.outputShape(inputShape: shape, index: i)
            shapes.append(shape)
        }
        return shapes
    }

    /// Multiply-adds of one forward pass over every layer, saturating at `Int.max`.
    public func estimatedWork(inputShape: [Int]) throws -> Int {
        var total = 0
        var shape = inputShape
        for (i, layer) in layers.enumerated() {
            total = ShapeArithmetic.sum(total, try layer.estimatedWork(inputShape: shape, index: i)) ?? Int.max
            shape = try layer.outputShape(inputShape: shape, index: i)
        }
        return total
    }
}
