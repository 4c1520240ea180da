import ConvEngine

/// A stable diagnosis code and a one-sentence explanation a student understands.
public struct Diagnosis: Sendable, Equatable {
    public var code: DiagnosisCode
    public var message: String
    /// Each primitive error's code when the diagnosis combines more than one (Search/Primitive.swift),
    /// nil for one.
    public var causes: [DiagnosisCode]?
    public init(code: DiagnosisCode, message: String) {
        self.code = code
        self.message = message
    }
}

/// A diagnosis code of the contract (openapi.yaml, `Diagnosis.code`). The codes any layer can show are
/// here; a layer kind's own codes are declared in its file (Grading/Layers/).
public struct DiagnosisCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let transposed = DiagnosisCode(rawValue: "transposed")
    public static let axesPermuted = DiagnosisCode(rawValue: "axes_permuted")
    public static let constantFactor = DiagnosisCode(rawValue: "constant_factor")
    public static let wrongSign = DiagnosisCode(rawValue: "wrong_sign")
    public static let biasWrongAxes = DiagnosisCode(rawValue: "bias_wrong_axes")
    public static let partialAccumulation = DiagnosisCode(rawValue: "partial_accumulation")
}

/// A mistaken backward pass at one layer: what a student who made `diagnosis`'s mistake there
/// would have computed. Its tensors are computed only when a submission of their shape needs them.
public struct Mistake {
    var diagnosis: Diagnosis
    /// The layer the mistake is made in.
    var layer: Int
    /// The wrong dL/d(input of `layer`), full rank. When it has the true shape it is carried back
    /// through the earlier layers, so every earlier gradient shows the mistake too.
    var inputGradient: LazyTensor?
    /// Wrong gradients of the layer's own parameters.
    var own: [GradientTarget: LazyTensor] = [:]
    /// How many primitive errors it combines (Search/Primitive.swift): the search tries fewer first.
    var depth = 1

    init(
        _ code: DiagnosisCode, _ message: String, layer: Int, inputGradient: LazyTensor? = nil,
        own: [GradientTarget: LazyTensor] = [:]
    ) {
        self.diagnosis = Diagnosis(code: code, message: message)
        self.layer = layer
        self.inputGradient = inputGradient
        self.own = own
    }
}

/// A tensor computed on first use, whose shape is known before: a candidate that cannot fit a
/// submission's shape is never computed.
///
/// Not Sendable: it belongs to one request's `MistakeCatalog`.
final class LazyTensor {
    let shape: [Int]
    private var compute: (() -> Tensor?)?
    private var computed: (tensor: Tensor, scale: Double)??

    init(shape: [Int], _ compute: @escaping () -> Tensor?) {
        self.shape = shape
        self.compute = compute
    }

    convenience init(_ tensor: Tensor) { self.init(shape: tensor.shape) { tensor } }

    /// The tensor and its `max |x|`, computed once (nil when it could not be computed).
    var value: (tensor: Tensor, scale: Double)? {
        if let computed { return computed }
        let result = compute?().map { ($0, $0.maxAbs) }
        computed = .some(result)
        compute = nil
        return result
    }
}

extension Tensor {
    /// The tensor with its last two axes reversed in order: a kernel rotated by 180 degrees.
    func rotated180() -> Tensor {
        let kh = shape[rank - 2]
        let kw = shape[rank - 1]
        var out = self
        let plane = kh * kw
        for base in stride(from: 0, to: count, by: max(plane, 1)) {
            for p in 0..<plane { out.data[base + p] = data[base + plane - 1 - p] }
        }
        return out
    }

    /// Elementwise product with another tensor of the same element count.
    func multiplied(by other: Tensor) -> Tensor {
        Tensor(shape: shape, data: zip(data, other.data).map { $0 * $1 })
    }

    /// The sum over `axes`, which are dropped from the shape.
    func summed(over axes: Set<Int>) -> Tensor {
        let kept = shape.indices.filter { !axes.contains($0) }
        let outShape = kept.map { shape[$0] }
        let outStrides = TensorIndex.strides(outShape)
        var strides = [Int](repeating: 0, count: rank)  // output stride of each input axis, 0 if summed
        for (position, axis) in kept.enumerated() { strides[axis] = outStrides[position] }
        var out = [Double](repeating: 0, count: outShape.reduce(1, *))
        TensorIndex.forEachOffset(shape, strides) { k, offset in out[offset] += data[k] }
        return Tensor(shape: outShape, data: out)
    }

    /// Axes permuted: axis `a` of the result is axis `order[a]` of this tensor.
    func permuted(_ order: [Int]) -> Tensor {
        let outShape = order.map { shape[$0] }
        let outStrides = TensorIndex.strides(outShape)
        var strides = [Int](repeating: 0, count: rank)  // output stride of each input axis
        for (position, axis) in order.enumerated() { strides[axis] = outStrides[position] }
        var out = [Double](repeating: 0, count: count)
        TensorIndex.forEachOffset(shape, strides) { k, offset in out[offset] = data[k] }
        return Tensor(shape: outShape, data: out)
    }
}
