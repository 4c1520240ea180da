/// dropout with an explicit mask, so a result is reproducible: in training with `0 < p < 1`,
///
///     y = x * mask / (1 - p)        dx = dy * mask / (1 - p)
///
/// (PyTorch's F.dropout draws the mask itself; with the same mask it computes exactly this.) Edge
/// cases: the identity when `training` is false or `p` is 0; zeros when `p` is 1 (PyTorch returns
/// `x * 0`); the mask is required only in the case that uses it, holds 0s and 1s, and has the input's
/// shape.
public struct Dropout: StatelessLayer, Equatable {
    public static let typeName = "dropout"
    public static let inputLayout = InputLayout.any

    public var p: Double
    public var training: Bool
    public var mask: Tensor?

    public init(p: Double = 0.5, training: Bool = true, mask: Tensor? = nil) {
        self.p = p
        self.training = training
        self.mask = mask
    }

    /// What each element is multiplied by: `mask / (1 - p)`, 1 or 0.
    public enum Scaling: Sendable {
        case identity, zero
        case mask(Tensor, Double)
    }

    public var scaling: Scaling {
        guard training, p > 0 else { return .identity }
        guard p < 1, let mask else { return .zero }
        return .mask(mask, 1 / (1 - p))
    }

    public func outputShape(inputShape: [Int], _ ctx: LayerContext) throws -> [Int] {
        guard (0...1).contains(p) else { throw ctx.error(.invalidValue, field: "p", "p \(p) must be in [0, 1]") }
        guard training, p > 0, p < 1 else { return inputShape }
        guard let mask else {
            throw ctx.error(
                .invalidValue, field: "mask",
                "training with p = \(p) needs a mask of the input's shape \(describe(inputShape))")
        }
        guard mask.shape == inputShape else {
            throw ctx.error(
                .shapeMismatch, field: "mask",
                "mask \(describe(mask.shape)) must have the input's shape \(describe(inputShape))")
        }
        if let bad = mask.data.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw ctx.error(
                .invalidValue, field: "mask",
                "mask holds \(mask.data[bad]) at element \(bad); a dropout mask holds only 0s and 1s")
        }
        return inputShape
    }

    /// One multiply per element each way.
    public func cost(inputShape: [Int], outputShape: [Int]) -> LayerCost {
        LayerCost(work: 2 * elementCount(inputShape))
    }

    public func output(_ x: Tensor, _ ctx: LayerContext) throws -> Tensor {
        _ = try outputShape(inputShape: x.shape, ctx)
        return scaled(x)
    }

    public func gradients(_ gradOutput: Tensor, input: Tensor, output: Tensor) -> LayerGradients {
        LayerGradients(input: scaled(gradOutput))
    }

    /// `t * mask / (1 - p)`, `t`, or zeros.
    func scaled(_ t: Tensor) -> Tensor {
        switch scaling {
        case .identity: return t
        case .zero: return Tensor(shape: t.shape, data: t.data.map { $0 * 0 })
        case .mask(let mask, let scale):
            return Tensor(shape: t.shape, data: zip(t.data, mask.data).map { $0 * $1 * scale })
        }
    }
}
