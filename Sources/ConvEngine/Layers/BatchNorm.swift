/// batchnorm1d and batchnorm2d: torch.nn.functional.batch_norm over the channel axis of `[N, C, ...]`.
///
///     training:  mean[c] = sum over n, s of x[n, c, s] / m        (m = N * spatial size)
///                var[c]  = sum over n, s of (x[n, c, s] - mean[c])^2 / m   (biased)
///     eval:      mean, var = running_mean, running_var
///     xhat = (x - mean[c]) / sqrt(var[c] + eps)       y = xhat * weight[c] + bias[c]
///
/// Backward (training), with `g = dy * weight[c]`:
///
///     dx = (1 / sqrt(var + eps)) / m * (m * g - sum(g) - xhat * sum(g * xhat))
///     dweight[c] = sum(dy * xhat)       dbias[c] = sum(dy)
///
/// and in eval mode `dx = g / sqrt(var + eps)` (the statistics are constants). Training updates the
/// running statistics when both are given: `(1 - momentum) * old + momentum * batch`, with the
/// unbiased batch variance `var * m / (m - 1)` (PyTorch's batch_norm_cpu_update_stats).
///
/// Edge cases: training with one value per channel (m = 1) is an error, as in PyTorch; eval without
/// running statistics is an error; weight and bias are each optional (affine off without them).
public struct BatchNormSpec: Sendable, Equatable {
    public var weight: Tensor?  // (C)
    public var bias: Tensor?  // (C)
    public var runningMean: Tensor?  // (C)
    public var runningVar: Tensor?  // (C)
    public var training: Bool
    public var momentum: Double
    public var eps: Double

    public init(
        weight: Tensor? = nil, bias: Tensor? = nil, runningMean: Tensor? = nil, runningVar: Tensor? = nil,
        training: Bool = true, momentum: Double = 0.1, eps: Double = 1e-5
    ) {
        self.weight = weight
        self.bias = bias
        self.runningMean = runningMean
        self.runningVar = runningVar
        self.training = training
        self.momentum = momentum
        self.eps = eps
    }
}

/// What a batch-norm forward pass saves: the statistics it normalized with, per channel.
public struct BatchNormStatistics: Sendable {
    public var mean: [Double]
    /// `1 / sqrt(var + eps)`.
    public var invStd: [Double]
    /// The biased batch variance (training only; empty in eval mode).
    public var batchVariance: [Double]
    /// Elements per channel.
    public var count: Int

    public init(mean: [Double], invStd: [Double], batchVariance: [Double], count: Int) {
        self.mean = mean
        self.invStd = invStd
        self.batchVariance = batchVariance
        self.count = count
    }
}

/// The two batch norms share their passes; they differ in the input ranks they take.
public protocol BatchNormLayer: Layer, Equatable where Saved == BatchNormStatistics {
    var spec: BatchNormSpec { get set }
    init(spec: BatchNormSpec)
    /// The input ranks the kind takes, and how its message writes them.
    static var ranks: ClosedRange<Int> { get }
    static var takes: String { get }
}

/// batchnorm1d: input `[N, C]` or `[N, C, L]`.
public struct BatchNorm1d: BatchNormLayer {
    public static let typeName = "batchnorm1d"
    public static let inputLayout = InputLayout.batchFirst
    public static let ranks = 2...3
    public static let takes = "[N, C] or [N, C, L]"
    public var spec: BatchNormSpec
    public init(spec: BatchNormSpec) { self.spec = spec }
}

/// batchnorm2d: input `[N, C, H, W]`.
public struct BatchNorm2d: BatchNormLayer {
    public static let typeName = "batchnorm2d"
    public static let inputLayout = InputLayout.image
    public static let ranks = 4...4
    public static let takes = "[N, C, H, W]"
    public var spec: BatchNormSpec
    public init(spec: BatchNormSpec) { self.spec = spec }
}

extension BatchNormLayer {
    public func outputShape(inputShape: [Int], _ ctx: LayerContext) throws -> [Int] {
        guard Self.ranks.contains(inputShape.count), inputShape.allSatisfy({ $0 >= 1 }) else {
            throw ctx.rankError(
                "input \(describe(inputShape)) has \(inputShape.count) dims; \(Self.typeName) takes \(Self.takes)")
        }
        let channels = inputShape[1]
        for (field, tensor) in [
            ("weight", spec.weight), ("bias", spec.bias), ("running_mean", spec.runningMean),
            ("running_var", spec.runningVar),
        ] {
            if let tensor, tensor.shape != [channels] {
                throw ctx.error(
                    .shapeMismatch, field: field,
                    "\(field) \(describe(tensor.shape)) must be [\(channels)] for input \(describe(inputShape)) with \(channels) channels"
                )
            }
        }
        try checkMode(inputShape, ctx)
        return inputShape
    }

    /// Training needs more than one value per channel; eval needs both running statistics; the
    /// running statistics come as a pair.
    private func checkMode(_ inputShape: [Int], _ ctx: LayerContext) throws {
        switch (spec.runningMean, spec.runningVar) {
        case (nil, .some):
            throw ctx.error(.invalidValue, field: "running_mean", "running_var is given, so running_mean must be too")
        case (.some, nil):
            throw ctx.error(.invalidValue, field: "running_var", "running_mean is given, so running_var must be too")
        case (nil, nil) where !spec.training:
            throw ctx.error(
                .invalidValue, field: "training",
                "eval mode (training false) normalizes with running_mean and running_var; give both")
        default: break
        }
        let perChannel = inputShape.reduce(1, *) / inputShape[1]
        guard !spec.training || perChannel > 1 else {
            throw ctx.error(
                .invalidValue, field: "training",
                "in training each channel needs more than 1 value to normalize; input \(describe(inputShape)) has 1 per channel"
            )
        }
        guard spec.eps >= 0 else { throw ctx.error(.invalidValue, field: "eps", "eps \(spec.eps) must be >= 0") }
    }

    /// About four passes forward (sum, squared deviations, normalize) and four backward.
    public func cost(inputShape: [Int], outputShape: [Int]) -> LayerCost {
        LayerCost(work: 8 * elementCount(inputShape))
    }

    public func forward(_ x: Tensor, _ ctx: LayerContext) throws -> (output: Tensor, saved: BatchNormStatistics) {
        _ = try outputShape(inputShape: x.shape, ctx)
        let planes = ChannelPlanes(x.shape)
        let stats = statistics(of: x)
        var y = [Double](repeating: 0, count: x.count)
        y.withUnsafeMutableBufferPointer { out in
            let out = UnsafeSendable(out.baseAddress!)
            Parallel.forEach(planes.channels) { c in
                let (w, b) = (spec.weight?.data[c] ?? 1, spec.bias?.data[c] ?? 0)
                planes.forEach(c) { i in out.pointer[i] = (x.data[i] - stats.mean[c]) * stats.invStd[c] * w + b }
            }
        }
        return (Tensor(shape: x.shape, data: y), stats)
    }

    public func backward(_ gradOutput: Tensor, input x: Tensor, output: Tensor, saved stats: BatchNormStatistics)
        -> LayerGradients
    {
        let planes = ChannelPlanes(x.shape)
        var dx = [Double](repeating: 0, count: x.count)
        var dWeight = [Double](repeating: 0, count: planes.channels)
        var dBias = dWeight
        dx.withUnsafeMutableBufferPointer { dxb in
            dWeight.withUnsafeMutableBufferPointer { dwb in
                dBias.withUnsafeMutableBufferPointer { dbb in
                    let (dxs, dws, dbs) = (
                        UnsafeSendable(dxb.baseAddress!), UnsafeSendable(dwb.baseAddress!),
                        UnsafeSendable(dbb.baseAddress!)
                    )
                    Parallel.forEach(planes.channels) { c in
                        let (mean, invStd, w) = (stats.mean[c], stats.invStd[c], spec.weight?.data[c] ?? 1)
                        var sumDy = 0.0
                        var sumDyXhat = 0.0
                        planes.forEach(c) { i in
                            sumDy += gradOutput.data[i]
                            sumDyXhat += gradOutput.data[i] * (x.data[i] - mean) * invStd
                        }
                        dws.pointer[c] = sumDyXhat
                        dbs.pointer[c] = sumDy
                        guard spec.training else {
                            planes.forEach(c) { i in dxs.pointer[i] = gradOutput.data[i] * w * invStd }
                            return
                        }
                        let m = Double(stats.count)
                        planes.forEach(c) { i in
                            let xhat = (x.data[i] - mean) * invStd
                            dxs.pointer[i] = w * invStd / m * (m * gradOutput.data[i] - sumDy - xhat * sumDyXhat)
                        }
                    }
                }
            }
        }
        var parameters: [NamedTensor] = []
        if spec.weight != nil {
            parameters.append(NamedTensor("weight", Tensor(shape: [planes.channels], data: dWeight)))
        }
        if spec.bias != nil { parameters.append(NamedTensor("bias", Tensor(shape: [planes.channels], data: dBias))) }
        return LayerGradients(input: Tensor(shape: x.shape, data: dx), parameters: parameters)
    }

    public var parameters: [NamedTensor] {
        (spec.weight.map { [NamedTensor("weight", $0)] } ?? []) + (spec.bias.map { [NamedTensor("bias", $0)] } ?? [])
    }

    public func replacingParameters(_ tensors: [Tensor]) -> Self {
        var layer = self
        var rest = tensors[...]
        if spec.weight != nil { layer.spec.weight = rest.popFirst() }
        if spec.bias != nil { layer.spec.bias = rest.popFirst() }
        return layer
    }

    /// The running statistics after a training pass (none in eval mode or without them).
    public func updatedBuffers(_ stats: BatchNormStatistics) -> [NamedTensor] {
        guard spec.training, let mean = spec.runningMean, let variance = spec.runningVar else { return [] }
        let (momentum, m) = (spec.momentum, Double(stats.count))
        let newMean = zip(mean.data, stats.mean).map { momentum * $1 + (1 - momentum) * $0 }
        let newVar = zip(variance.data, stats.batchVariance).map { momentum * ($1 * m / (m - 1)) + (1 - momentum) * $0 }
        return [
            NamedTensor("running_mean", Tensor(shape: mean.shape, data: newMean)),
            NamedTensor("running_var", Tensor(shape: variance.shape, data: newVar)),
        ]
    }

    /// The statistics a forward pass on `x` normalizes with: the batch's in training, else the running ones.
    public func statistics(of x: Tensor) -> BatchNormStatistics {
        let planes = ChannelPlanes(x.shape)
        return spec.training ? batchStatistics(x, planes) : runningStatistics(planes)
    }

    /// The batch's mean and biased variance per channel, two passes each, channels in parallel.
    private func batchStatistics(_ x: Tensor, _ planes: ChannelPlanes) -> BatchNormStatistics {
        var mean = [Double](repeating: 0, count: planes.channels)
        var variance = mean
        mean.withUnsafeMutableBufferPointer { mb in
            variance.withUnsafeMutableBufferPointer { vb in
                let (means, variances) = (UnsafeSendable(mb.baseAddress!), UnsafeSendable(vb.baseAddress!))
                Parallel.forEach(planes.channels) { c in
                    var sum = 0.0
                    planes.forEach(c) { i in sum += x.data[i] }
                    let mu = sum / Double(planes.perChannel)
                    var squares = 0.0
                    planes.forEach(c) { i in squares += (x.data[i] - mu) * (x.data[i] - mu) }
                    means.pointer[c] = mu
                    variances.pointer[c] = squares / Double(planes.perChannel)
                }
            }
        }
        return BatchNormStatistics(
            mean: mean, invStd: variance.map { 1 / (($0 + spec.eps).squareRoot()) }, batchVariance: variance,
            count: planes.perChannel)
    }

    private func runningStatistics(_ planes: ChannelPlanes) -> BatchNormStatistics {
        BatchNormStatistics(
            mean: spec.runningMean?.data ?? [],
            invStd: (spec.runningVar?.data ?? []).map { 1 / (($0 + spec.eps).squareRoot()) },
            batchVariance: [], count: planes.perChannel)
    }
}

/// The elements of each channel of `[N, C, spatial...]`: N runs of `spatial` contiguous elements.
public struct ChannelPlanes: Sendable {
    public let batch: Int, channels: Int, spatial: Int
    public init(_ shape: [Int]) {
        batch = shape[0]
        channels = shape[1]
        spatial = shape.dropFirst(2).reduce(1, *)
    }
    public var perChannel: Int { batch * spatial }

    /// Calls `body(i)` for every flat index of channel `c`, in (n, s) order.
    @inline(__always)
    public func forEach(_ c: Int, _ body: (Int) -> Void) {
        for n in 0..<batch {
            let base = (n * channels + c) * spatial
            for s in 0..<spatial { body(base + s) }
        }
    }
}

/// A pointer handed to `Parallel.forEach` items that write disjoint elements of it (see `Parallel`).
struct UnsafeSendable<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
