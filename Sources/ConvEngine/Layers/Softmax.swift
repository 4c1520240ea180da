/// softmax and log_softmax over one dim of the full-rank tensor (torch.nn.functional.softmax and
/// log_softmax, computed as PyTorch's CPU kernels do: shifted by the slice's maximum).
///
///     softmax:      y_i = exp(x_i - max) / sum_j exp(x_j - max)       dx_i = y_i * (dy_i - sum_j dy_j * y_j)
///     log_softmax:  y_i = x_i - max - log(sum_j exp(x_j - max))       dx_i = dy_i - exp(y_i) * sum_j dy_j
///
/// `dim` may be negative, counted from the end, as in PyTorch.
public protocol SoftmaxLayer: StatelessLayer, Equatable {
    var dim: Int { get }
    /// True for log_softmax.
    static var isLog: Bool { get }
}

public struct Softmax: SoftmaxLayer {
    public static let typeName = "softmax"
    public static let isLog = false
    public var dim: Int
    public init(dim: Int = 1) { self.dim = dim }
}

public struct LogSoftmax: SoftmaxLayer {
    public static let typeName = "log_softmax"
    public static let isLog = true
    public var dim: Int
    public init(dim: Int = 1) { self.dim = dim }
}

extension SoftmaxLayer {
    public static var inputLayout: InputLayout { .any }

    public func outputShape(inputShape: [Int], _ ctx: LayerContext) throws -> [Int] {
        guard resolvedDim(rank: inputShape.count) != nil else {
            throw ctx.error(
                .invalidValue, field: "dim",
                "dim \(dim) is out of range for input \(describe(inputShape)) of \(inputShape.count) dims (-\(inputShape.count) to \(inputShape.count - 1))"
            )
        }
        return inputShape
    }

    /// The dim as an axis, or nil when out of range.
    public func resolvedDim(rank: Int) -> Int? {
        let axis = dim < 0 ? dim + rank : dim
        return (0..<max(rank, 1)).contains(axis) ? axis : nil
    }

    /// Exponentials and a sum forward, two passes backward.
    public func cost(inputShape: [Int], outputShape: [Int]) -> LayerCost {
        LayerCost(work: 6 * elementCount(inputShape))
    }

    public func output(_ x: Tensor, _ ctx: LayerContext) throws -> Tensor {
        _ = try outputShape(inputShape: x.shape, ctx)
        var y = x
        for slice in Slices(x.shape, axis: resolvedDim(rank: x.rank)!) {
            let top = slice.map { x.data[$0] }.max() ?? 0
            var sum = 0.0
            for i in slice { sum += Math.exponential(x.data[i] - top) }
            let logSum = Math.logarithm(sum)
            for i in slice {
                y.data[i] = Self.isLog ? x.data[i] - top - logSum : Math.exponential(x.data[i] - top) / sum
            }
        }
        return y
    }

    public func gradients(_ gradOutput: Tensor, input: Tensor, output y: Tensor) -> LayerGradients {
        var dx = gradOutput
        for slice in Slices(y.shape, axis: resolvedDim(rank: y.rank)!) {
            var sum = 0.0
            for i in slice { sum += Self.isLog ? gradOutput.data[i] : gradOutput.data[i] * y.data[i] }
            for i in slice {
                dx.data[i] =
                    Self.isLog
                    ? gradOutput.data[i] - Math.exponential(y.data[i]) * sum
                    : y.data[i] * (gradOutput.data[i] - sum)
            }
        }
        return LayerGradients(input: dx)
    }
}

/// The 1-d slices of a row-major tensor along one axis: each a sequence of flat indices.
public struct Slices: Sequence {
    let outer: Int, length: Int, inner: Int

    public init(_ shape: [Int], axis: Int) {
        outer = shape.prefix(axis).reduce(1, *)
        length = shape.isEmpty ? 1 : shape[axis]
        inner = shape.dropFirst(axis + 1).reduce(1, *)
    }

    public func makeIterator() -> AnyIterator<StrideTo<Int>> {
        var slice = 0
        return AnyIterator {
            guard slice < outer * inner else { return nil }
            let (o, i) = (slice / inner, slice % inner)
            slice += 1
            let start = o * length * inner + i
            return stride(from: start, to: start + length * inner, by: inner)
        }
    }
}
