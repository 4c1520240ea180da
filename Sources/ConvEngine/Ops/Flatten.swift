/// flatten (torch.nn.Flatten): `[N, d1, d2, ...]` becomes `[N, d1*d2*...]`; the backward pass
/// reshapes dy back to the input's shape.
public enum Flatten {
    /// The output shape for an input shape; throws for rank < 2.
    public static func outputShape(_ inputShape: [Int]) throws -> [Int] {
        try outputShape(inputShape, LayerContext(index: 0, type: "flatten"))
    }

    static func outputShape(_ inputShape: [Int], _ ctx: LayerContext) throws -> [Int] {
        guard inputShape.count >= 2 else {
            throw ctx.rankError("input \(describe(inputShape)) has \(inputShape.count) dims; flatten takes [N, ...]")
        }
        return [inputShape[0], inputShape.dropFirst().reduce(1, *)]
    }

    public static func forward(_ x: Tensor) throws -> Tensor {
        x.reshaped(try outputShape(x.shape))
    }

    /// dy reshaped to the input's shape (zeros if the counts differ, a programming error).
    public static func backward(inputShape: [Int], gradOutput: Tensor) -> Tensor {
        guard gradOutput.count == inputShape.reduce(1, *) else { return Tensor(shape: inputShape) }
        return gradOutput.reshaped(inputShape)
    }
}
