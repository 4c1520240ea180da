/// layernorm and groupnorm: F.layer_norm over the trailing `normalized_shape` of each sample, and
/// F.group_norm over each group of `C / num_groups` channels of each sample. Both normalize groups
/// of elements with the group's mean and biased variance, then apply an optional elementwise affine:
///
///     xhat = (x - mean_g) / sqrt(var_g + eps)        y = xhat * weight[a] + bias[a]
///     dx = invstd_g / m * (m * u - sum_g(u) - xhat * sum_g(u * xhat)),   u = dy * weight[a]
///     dweight[a] = sum over the elements with that affine index of dy * xhat;  dbias[a] = sum of dy
///
/// where `m` is a group's size and `a` an element's affine index (its position in `normalized_shape`
/// for layernorm, its channel for groupnorm). The statistics are always the batch's own: these
/// layers have no running statistics and behave the same in training and eval.
public protocol GroupedNormLayer: Layer, Equatable where Saved == GroupedNormStatistics {
    var weight: Tensor? { get set }
    var bias: Tensor? { get set }
    var eps: Double { get }
    /// Checks the input against the layer's own fields.
    func checkShape(_ inputShape: [Int], _ ctx: LayerContext) throws
    /// How the input splits into groups and where each element's affine parameters are.
    func layout(_ inputShape: [Int]) -> GroupLayout
    /// The shape weight and bias must have for this input.
    func affineShape(_ inputShape: [Int]) -> [Int]
}

/// The groups of a grouped normalization: `count` groups of `size` contiguous elements; element `i`
/// uses affine parameter `affine(i)`.
public struct GroupLayout: Sendable {
    public var count: Int
    public var size: Int
    /// `i % period / stride`: layernorm's trailing position (`stride` 1), groupnorm's channel.
    public var period: Int
    public var stride: Int
    public func affine(_ i: Int) -> Int { i % period / stride }
}

/// Each group's mean and `1 / sqrt(var + eps)`.
public struct GroupedNormStatistics: Sendable {
    public var mean: [Double]
    public var invStd: [Double]
}

/// layernorm: `normalized_shape` (the trailing dims), `weight`/`bias` of that shape, `eps`.
public struct LayerNorm: GroupedNormLayer {
    public static let typeName = "layernorm"
    public static let inputLayout = InputLayout.any
    public var normalizedShape: [Int]
    public var weight: Tensor?
    public var bias: Tensor?
    public var eps: Double

    public init(normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5) {
        self.normalizedShape = normalizedShape
        self.weight = weight
        self.bias = bias
        self.eps = eps
    }

    public func checkShape(_ inputShape: [Int], _ ctx: LayerContext) throws {
        guard inputShape.count > normalizedShape.count,
            Array(inputShape.suffix(normalizedShape.count)) == normalizedShape
        else {
            throw ctx.error(
                .shapeMismatch, field: "normalized_shape",
                "normalized_shape \(describe(normalizedShape)) must be the trailing dims of input \(describe(inputShape)), after a batch dim"
            )
        }
    }

    public func layout(_ inputShape: [Int]) -> GroupLayout {
        let size = normalizedShape.reduce(1, *)
        return GroupLayout(count: inputShape.reduce(1, *) / size, size: size, period: size, stride: 1)
    }

    public func affineShape(_ inputShape: [Int]) -> [Int] { normalizedShape }
}

/// groupnorm: `num_groups` dividing the channels of `[N, C, ...]`, `weight`/`bias` `[C]`, `eps`.
public struct GroupNorm: GroupedNormLayer {
    public static let typeName = "groupnorm"
    public static let inputLayout = InputLayout.batchFirst
    public var numGroups: Int
    public var weight: Tensor?
    public var bias: Tensor?
    public var eps: Double

    public init(numGroups: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5) {
        self.numGroups = numGroups
        self.weight = weight
        self.bias = bias
        self.eps = eps
    }

    public func checkShape(_ inputShape: [Int], _ ctx: LayerContext) throws {
        guard inputShape.count >= 2 else {
            throw ctx.rankError(
                "input \(describe(inputShape)) has \(inputShape.count) dims; groupnorm takes [N, C, ...]")
        }
        guard numGroups >= 1, inputShape[1] % numGroups == 0 else {
            throw ctx.error(
                .invalidValue, field: "num_groups",
                "num_groups \(numGroups) must divide the input's \(inputShape[1]) channels (input \(describe(inputShape)))"
            )
        }
    }

    public func layout(_ inputShape: [Int]) -> GroupLayout {
        let spatial = inputShape.dropFirst(2).reduce(1, *)
        let size = inputShape[1] / numGroups * spatial
        return GroupLayout(
            count: inputShape[0] * numGroups, size: size, period: inputShape[1] * spatial, stride: spatial)
    }

    public func affineShape(_ inputShape: [Int]) -> [Int] { [inputShape[1]] }
}

extension GroupedNormLayer {
    public func outputShape(inputShape: [Int], _ ctx: LayerContext) throws -> [Int] {
        guard inputShape.allSatisfy({ $0 >= 1 }) else {
            throw ctx.rankError("input \(describe(inputShape)) has an empty dimension")
        }
        try checkShape(inputShape, ctx)
        let shape = affineShape(inputShape)
        for (field, tensor) in [("weight", weight), ("bias", bias)] {
            if let tensor, tensor.shape != shape {
                throw ctx.error(
                    .shapeMismatch, field: field,
                    "\(field) \(describe(tensor.shape)) must be \(describe(shape)) for input \(describe(inputShape))")
            }
        }
        guard eps >= 0 else { throw ctx.error(.invalidValue, field: "eps", "eps \(eps) must be >= 0") }
        return inputShape
    }

    public func cost(inputShape: [Int], outputShape: [Int]) -> LayerCost {
        LayerCost(work: 8 * elementCount(inputShape))
    }

    /// Each group's statistics, two passes.
    public func statistics(of x: Tensor) -> GroupedNormStatistics {
        let groups = layout(x.shape)
        var mean = [Double](repeating: 0, count: groups.count)
        var invStd = mean
        for g in 0..<groups.count {
            let range = (g * groups.size)..<((g + 1) * groups.size)
            var sum = 0.0
            for i in range { sum += x.data[i] }
            let mu = sum / Double(groups.size)
            var squares = 0.0
            for i in range { squares += (x.data[i] - mu) * (x.data[i] - mu) }
            mean[g] = mu
            invStd[g] = 1 / (squares / Double(groups.size) + eps).squareRoot()
        }
        return GroupedNormStatistics(mean: mean, invStd: invStd)
    }

    public func forward(_ x: Tensor, _ ctx: LayerContext) throws -> (output: Tensor, saved: GroupedNormStatistics) {
        _ = try outputShape(inputShape: x.shape, ctx)
        let groups = layout(x.shape)
        let stats = statistics(of: x)
        var y = x
        for i in 0..<x.count {
            let (g, a) = (i / groups.size, groups.affine(i))
            y.data[i] = (x.data[i] - stats.mean[g]) * stats.invStd[g] * (weight?.data[a] ?? 1) + (bias?.data[a] ?? 0)
        }
        return (y, stats)
    }

    public func backward(_ gradOutput: Tensor, input x: Tensor, output: Tensor, saved stats: GroupedNormStatistics)
        -> LayerGradients
    {
        let groups = layout(x.shape)
        let affineCount = affineShape(x.shape).reduce(1, *)
        var dx = x
        var dWeight = [Double](repeating: 0, count: affineCount)
        var dBias = dWeight
        let m = Double(groups.size)
        for g in 0..<groups.count {
            let range = (g * groups.size)..<((g + 1) * groups.size)
            var sumU = 0.0
            var sumUXhat = 0.0
            for i in range {
                let (xhat, a) = ((x.data[i] - stats.mean[g]) * stats.invStd[g], groups.affine(i))
                let u = gradOutput.data[i] * (weight?.data[a] ?? 1)
                sumU += u
                sumUXhat += u * xhat
                dWeight[a] += gradOutput.data[i] * xhat
                dBias[a] += gradOutput.data[i]
            }
            for i in range {
                let xhat = (x.data[i] - stats.mean[g]) * stats.invStd[g]
                let u = gradOutput.data[i] * (weight?.data[groups.affine(i)] ?? 1)
                dx.data[i] = stats.invStd[g] / m * (m * u - sumU - xhat * sumUXhat)
            }
        }
        let shape = affineShape(x.shape)
        var parameters: [NamedTensor] = []
        if weight != nil { parameters.append(NamedTensor("weight", Tensor(shape: shape, data: dWeight))) }
        if bias != nil { parameters.append(NamedTensor("bias", Tensor(shape: shape, data: dBias))) }
        return LayerGradients(input: dx, parameters: parameters)
    }

    public var parameters: [NamedTensor] {
        (weight.map { [NamedTensor("weight", $0)] } ?? []) + (bias.map { [NamedTensor("bias", $0)] } ?? [])
    }

    public func replacingParameters(_ tensors: [Tensor]) -> Self {
        var layer = self
        var rest = tensors[...]
        if weight != nil { layer.weight = rest.popFirst() }
        if bias != nil { layer.bias = rest.popFirst() }
        return layer
    }
}
