/// flatten (torch.nn.Flatten): `[N, d1, d2, ...]` becomes `[N, d1*d2*...]`; the backward pass
/// reshapes dy back to the input's shape.
public struct Flatten: StatelessLayer, Equatable {
    public static let typeName = "flatten"
    public static let inputLayout = InputLayout.batchFirst

    public init() {}

    /// `[N, d1*d2*...]`; throws for rank < 2.
    public func outputShape(inputShape: [Int], _ ctx: LayerContext) throws -> [Int] {
        guard inputShape.count >= 2 else {
            throw ctx.rankError("input \(describe(inputShape)) has \(inputShape.count) dims; flatten takes [N, ...]")
        }
        return [inputShape[0], inputShape.dropFirst().reduce(1, *)]
    }

    /// A reshape: no arithmetic.
    public func cost(inputShape: [Int], outputShape: [Int]) -> LayerCost { LayerCost(work: 0) }

    public func output(_ x: Tensor, _ ctx: LayerContext) throws -> Tensor {
        x.reshaped(try outputShape(inputShape: x.shape, ctx))
    }

    /// dy reshaped to the input's shape (zeros if the counts differ, a programming error).
    public func gradients(_ gradOutput: Tensor, input: Tensor, output: Tensor) -> LayerGradients {
        guard gradOutput.count == input.count else { return LayerGradients(input: Tensor(shape: input.shape)) }
        return LayerGradients(input: gradOutput.reshaped(input.shape))
    }
}
