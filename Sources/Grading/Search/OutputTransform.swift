import ConvEngine

/// An output primitive: a change of a whole gradient's layout or batch axis that composes with any
/// reading (Search/DiagnosisSearch.swift), with the invariant it keeps, checked before it is built.
struct OutputTransform {
    /// The shape it turns a tensor of the candidate's shape into.
    var shape: [Int]
    var primitive: Primitive
    /// What it keeps: `.sum` (a batch reduction), `.sumAndNorm` (values moved, none changed), `.none`.
    var invariant: Invariant
    var apply: (Tensor) -> Tensor

    enum Invariant { case none, sum, sumAndNorm }

    /// The true gradient in a wrong layout, as a one-primitive candidate.
    static func layouts(of truth: Tensor, target: GradientTarget) -> [OutputTransformCandidate] {
        all(shape: truth.shape, target: target, transposes: false).map {
            OutputTransformCandidate(transform: $0, truth: truth)
        }
    }

    /// Every transform of a tensor of `shape` that is the gradient of `target`. The batch primitives
    /// apply to dL/dX and dL/d(activation) only: a parameter has no batch axis.
    static func all(shape: [Int], target: GradientTarget, transposes: Bool = true) -> [OutputTransform] {
        var found: [OutputTransform] = []
        let rank = shape.count
        if transposes, rank >= 2, shape[rank - 1] > 1, shape[rank - 2] > 1 {
            var order = Array(0..<rank)
            order.swapAt(rank - 1, rank - 2)
            found.append(
                OutputTransform(
                    shape: order.map { shape[$0] },
                    primitive: Primitive(
                        code: .transposed,
                        message:
                            "Your gradient also has its last two axes swapped: a gradient keeps the layout of its tensor."
                    ),
                    invariant: .sumAndNorm, apply: { $0.permuted(order) }))
        }
        let batchAxis: Bool =
            switch target {
            case .input, .activation: true
            case .parameter: false
            }
        guard batchAxis, rank >= 2 else { return found }
        let sample = Array(shape.dropFirst())
        let layout = "[" + shape.map(String.init).joined(separator: ", ") + "]"
        if shape[0] > 1 {
            found.append(
                OutputTransform(
                    shape: sample,
                    primitive: Primitive(
                        code: .batchSummed,
                        message:
                            "Your gradient is summed over the batch: dL/dX keeps one gradient per sample, \(layout) like X; only parameter gradients sum over the batch."
                    ),
                    invariant: .sum, apply: { $0.summed(over: [0]) }))
            found.append(
                OutputTransform(
                    shape: sample,
                    primitive: Primitive(
                        code: .batchAxisMissing,
                        message:
                            "Your gradient has no batch axis, only sample 0's gradient: dL/dX keeps one gradient per sample, \(layout) like X."
                    ),
                    invariant: .none, apply: { $0.samples(0..<1).reshaped(sample) }))
        }
        if rank >= 3 {
            let flat = [shape[0], sample.reduce(1, *)]
            found.append(
                OutputTransform(
                    shape: flat,
                    primitive: Primitive(
                        code: .notReshaped,
                        message:
                            "Your gradient has the right values flattened to [\(flat[0]), \(flat[1])]: reshape it back to \(layout), the shape of the tensor it is the gradient of (flatten's backward pass is a reshape)."
                    ),
                    invariant: .sumAndNorm, apply: { $0.reshaped(flat) }))
        }
        return found
    }

    /// True unless a cheap invariant shows `apply(tensor)` cannot fit `submitted`: equal sums (and
    /// squared norms) within a loose 1e-3 of their scale.
    func keepsInvariants(of tensor: Tensor, matching submitted: Tensor) -> Bool {
        func close(_ a: Double, _ b: Double, scale: Double) -> Bool { abs(a - b) <= 1e-3 * scale + 1e-300 }
        switch invariant {
        case .none: return true
        case .sum:
            return close(
                tensor.data.reduce(0, +), submitted.data.reduce(0, +), scale: tensor.data.reduce(0) { $0 + abs($1) })
        case .sumAndNorm:
            let norm = tensor.data.reduce(0) { $0 + $1 * $1 }
            return close(
                tensor.data.reduce(0, +), submitted.data.reduce(0, +), scale: tensor.data.reduce(0) { $0 + abs($1) })
                && close(norm, submitted.data.reduce(0) { $0 + $1 * $1 }, scale: norm)
        }
    }
}

/// An output primitive applied to the true gradient.
struct OutputTransformCandidate {
    var transform: OutputTransform
    var truth: Tensor

    var candidate: Candidate {
        let (apply, truth) = (transform.apply, truth)
        return Candidate(
            diagnosis: Primitive.diagnosis([transform.primitive]),
            tensor: LazyTensor(shape: transform.shape) { apply(truth) })
    }
}
