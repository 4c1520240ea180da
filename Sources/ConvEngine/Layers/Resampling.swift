/// The resampling layers: every output element is a fixed weighted sum of input elements of its
/// plane, `y[j] = sum_i A[j, i] x[i]`, so the backward pass is `dx[i] = sum_j A[j, i] dy[j]`. Each kind
/// gives its taps (the `(i, A[j, i])` of one output along one axis); rows and columns are separable.
///
/// - adaptive_avgpool2d (F.adaptive_avg_pool2d): output `o` of `n` averages input `[floor(o*in/n), ceil((o+1)*in/n))`.
/// - upsample (F.interpolate with an integer scale_factor): nearest takes input `floor(o / s)`;
///   bilinear reads `src = (o + 0.5) / s - 0.5` clamped at 0 (align_corners false) or
///   `o * (in - 1) / (out - 1)` (align_corners true), between `floor(src)` and the next, clamped to the input.
public protocol ResamplingLayer: StatelessLayer, Equatable {
    /// The output size along one axis for an input of `size` (`axis` 0: rows, 1: columns).
    func outputLength(_ size: Int, axis: Int) -> Int
    /// The input positions and weights that output position `o` of an axis reads.
    func taps(_ o: Int, input size: Int, output length: Int, axis: Int) -> [(Int, Double)]
    /// Checks the kind's own fields.
    func checkFields(_ ctx: LayerContext) throws
}

extension ResamplingLayer {
    public static var inputLayout: InputLayout { .image }

    public func outputShape(inputShape: [Int], _ ctx: LayerContext) throws -> [Int] {
        try ctx.requireImage(inputShape)
        try checkFields(ctx)
        let shape = [
            inputShape[0], inputShape[1], outputLength(inputShape[2], axis: 0), outputLength(inputShape[3], axis: 1),
        ]
        guard ShapeArithmetic.count(shape) != nil else { throw ctx.tooLarge("the output \(describe(shape))") }
        return shape
    }

    /// A few taps per output element each way.
    public func cost(inputShape: [Int], outputShape: [Int]) -> LayerCost {
        LayerCost(work: 8 * elementCount(outputShape))
    }

    public func output(_ x: Tensor, _ ctx: LayerContext) throws -> Tensor {
        let shape = try outputShape(inputShape: x.shape, ctx)
        let (rows, cols) = axes(x.shape, shape)
        var y = Tensor(shape: shape)
        let (inPlane, outPlane) = (x.shape[2] * x.shape[3], shape[2] * shape[3])
        for plane in 0..<(shape[0] * shape[1]) {
            for (oh, rowTaps) in rows.enumerated() {
                for (ow, colTaps) in cols.enumerated() {
                    var sum = 0.0
                    for (h, a) in rowTaps {
                        for (w, b) in colTaps { sum += a * b * x.data[plane * inPlane + h * x.shape[3] + w] }
                    }
                    y.data[plane * outPlane + oh * shape[3] + ow] = sum
                }
            }
        }
        return y
    }

    public func gradients(_ gradOutput: Tensor, input x: Tensor, output: Tensor) -> LayerGradients {
        let shape = gradOutput.shape
        let (rows, cols) = axes(x.shape, shape)
        var dx = Tensor(shape: x.shape)
        let (inPlane, outPlane) = (x.shape[2] * x.shape[3], shape[2] * shape[3])
        for plane in 0..<(shape[0] * shape[1]) {
            for (oh, rowTaps) in rows.enumerated() {
                for (ow, colTaps) in cols.enumerated() {
                    let g = gradOutput.data[plane * outPlane + oh * shape[3] + ow]
                    for (h, a) in rowTaps {
                        for (w, b) in colTaps { dx.data[plane * inPlane + h * x.shape[3] + w] += a * b * g }
                    }
                }
            }
        }
        return LayerGradients(input: dx)
    }

    /// Every output row's and column's taps.
    public func axes(_ inputShape: [Int], _ outputShape: [Int]) -> (rows: [[(Int, Double)]], cols: [[(Int, Double)]]) {
        let rows = (0..<outputShape[2]).map { taps($0, input: inputShape[2], output: outputShape[2], axis: 0) }
        let cols = (0..<outputShape[3]).map { taps($0, input: inputShape[3], output: outputShape[3], axis: 1) }
        return (rows, cols)
    }
}

/// adaptive_avgpool2d: `output_size` `(oh, ow)`; 1 is global average pooling.
public struct AdaptiveAvgPool2d: ResamplingLayer {
    public static let typeName = "adaptive_avgpool2d"
    public var outputSize: Pair
    public init(outputSize: Pair) { self.outputSize = outputSize }

    public func checkFields(_ ctx: LayerContext) throws {
        guard outputSize.h >= 1, outputSize.w >= 1 else {
            throw ctx.error(.invalidValue, field: "output_size", "output_size \(outputSize) must be >= 1")
        }
    }

    public func outputLength(_ size: Int, axis: Int) -> Int { axis == 0 ? outputSize.h : outputSize.w }

    public func taps(_ o: Int, input size: Int, output length: Int, axis: Int) -> [(Int, Double)] {
        let start = o * size / length
        let end = ((o + 1) * size + length - 1) / length
        return (start..<end).map { ($0, 1 / Double(end - start)) }
    }
}

/// upsample: an integer `scale_factor` per axis, `mode` nearest or bilinear, `align_corners` (bilinear only).
public struct Upsample: ResamplingLayer {
    public static let typeName = "upsample"
    public enum Mode: String, Sendable, CaseIterable { case nearest, bilinear }
    public var scale: Pair
    public var mode: Mode
    public var alignCorners: Bool

    public init(scale: Pair, mode: Mode = .nearest, alignCorners: Bool = false) {
        self.scale = scale
        self.mode = mode
        self.alignCorners = alignCorners
    }

    public func checkFields(_ ctx: LayerContext) throws {
        guard scale.h >= 1, scale.w >= 1 else {
            throw ctx.error(.invalidValue, field: "scale_factor", "scale_factor \(scale) must be >= 1")
        }
        guard mode == .bilinear || !alignCorners else {
            throw ctx.error(
                .invalidValue, field: "align_corners", "align_corners applies to bilinear only, as in PyTorch")
        }
    }

    public func outputLength(_ size: Int, axis: Int) -> Int { size * (axis == 0 ? scale.h : scale.w) }

    public func taps(_ o: Int, input size: Int, output length: Int, axis: Int) -> [(Int, Double)] {
        let factor = Double(axis == 0 ? scale.h : scale.w)
        switch mode {
        case .nearest:
            return [(min(Int((Double(o) * (1 / factor)).rounded(.down)), size - 1), 1)]
        case .bilinear:
            let source =
                alignCorners
                ? (length > 1 ? Double(o) * Double(size - 1) / Double(length - 1) : 0)
                : max((Double(o) + 0.5) * (1 / factor) - 0.5, 0)
            let low = min(Int(source.rounded(.down)), size - 1)
            let high = min(low + 1, size - 1)
            let lambda = source - Double(low)
            return high == low ? [(low, 1)] : [(low, 1 - lambda), (high, lambda)]
        }
    }
}
