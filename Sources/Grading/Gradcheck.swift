import ConvEngine

/// Options of a central-difference gradient check.
public struct GradcheckOptions: Sendable {
    /// The step: `numeric = (L(x + eps) - L(x - eps)) / (2 eps)`.
    public var eps: Double
    /// Analytic vs numeric, numpy.allclose style with the analytic value as reference.
    public var tolerance: Tolerance
    public init(eps: Double = 1e-6, tolerance: Tolerance = Tolerance()) {
        self.eps = eps
        self.tolerance = tolerance
    }
}

/// One gradient tensor checked, in the shape the request wrote its tensor in.
public struct GradcheckTensor: Sendable {
    public var name: String
    public var analytic: Tensor
    public var numeric: Tensor
    /// Largest `|numeric - analytic|` over the elements that are not kinks.
    public var maxAbsError: Double
    /// Largest `|numeric - analytic| / |analytic|` over non-kink elements with analytic != 0.
    public var maxRelError: Double
    /// Elements where a layer's kink decision (`GradedLayer.kinkDecisions`) changes within +-eps: the
    /// central difference straddles a kink there and means nothing.
    public var kinks: [[Int]]
    public var passed: Bool
}

public struct GradcheckReport: Sendable {
    public var passed: Bool
    /// In /backward's order: input, then each layer's weight and bias.
    public var results: [GradcheckTensor]
}

extension Solution {
    /// Checks every analytic gradient against central differences of the loss (or of
    /// `sum(grad_output * output)` when the problem gives grad_output), two forward passes per element.
    public func gradcheck(_ options: GradcheckOptions = GradcheckOptions(), cancel: CancellationCheck? = nil) throws
        -> GradcheckReport
    {
        let base = KinkSignature(problem: problem, activations: backward.activations)
        var results: [GradcheckTensor] = []
        for name in problem.gradientNames {
            guard let target = problem.target(named: name), let analytic = gradient(of: target) else { continue }
            results.append(try check(name, target, analytic, base, options, cancel))
        }
        return GradcheckReport(passed: results.allSatisfy(\.passed), results: results)
    }

    private func check(
        _ name: String, _ target: GradientTarget, _ analytic: Tensor, _ base: KinkSignature,
        _ options: GradcheckOptions, _ cancel: CancellationCheck?
    ) throws -> GradcheckTensor {
        let shape = writtenShape(of: target)
        var numeric = Tensor(shape: analytic.shape)
        var kinks: [[Int]] = []
        var maxAbs = 0.0
        var maxRel = 0.0
        var passed = true
        for k in 0..<analytic.count {
            if cancel?() == true { throw CancelledError() }
            let plus = try perturbedForward(target, k, options.eps)
            let minus = try perturbedForward(target, k, -options.eps)
            numeric.data[k] = (plus.loss - minus.loss) / (2 * options.eps)
            if plus.signature != base || minus.signature != base {
                kinks.append(TensorIndex.unravel(k, shape))
                continue
            }
            let (a, n) = (analytic.data[k], numeric.data[k])
            maxAbs = max(maxAbs, abs(n - a))
            if a != 0 { maxRel = max(maxRel, abs(n - a) / abs(a)) }
            if !options.tolerance.accepts(n, expected: a) { passed = false }
        }
        return GradcheckTensor(
            name: name, analytic: analytic.reshaped(shape), numeric: numeric.reshaped(shape),
            maxAbsError: maxAbs, maxRelError: maxRel, kinks: kinks, passed: passed)
    }

    /// The scalar the gradients are of, with element `flat` of `target` moved by `delta`, and the
    /// kink decisions of that forward pass.
    private func perturbedForward(_ target: GradientTarget, _ flat: Int, _ delta: Double) throws -> (
        loss: Double, signature: KinkSignature
    ) {
        var input = problem.input
        var layers = problem.layers
        switch target {
        case .input: input.data[flat] += delta
        case .parameter(let k, let name): layers[k] = layers[k].nudged(name, flat, delta)
        case .activation: break
        }
        let forward = try Network(layers: layers).forward(input, loss: problem.loss)
        let signature = KinkSignature(
            problem: GradingProblem(layers: layers, input: input, seed: problem.seed),
            activations: forward.activations)
        return (forward.loss ?? gradOutputDot(forward.output), signature)
    }

    /// `sum(grad_output * output)`: the scalar whose gradient a grad_output seed gives.
    private func gradOutputDot(_ output: Tensor) -> Double {
        guard case .gradOutput(let seed) = problem.seed else { return 0 }
        return zip(seed.data, output.data).reduce(0) { $0 + $1.0 * $1.1 }
    }
}

extension GradedLayer {
    /// The layer with element `flat` of its parameter `name` moved by `delta`.
    func nudged(_ name: String, _ flat: Int, _ delta: Double) -> any GradedLayer {
        var tensors = parameters.map(\.tensor)
        guard let slot = parameters.firstIndex(where: { $0.name == name }) else { return self }
        tensors[slot].data[flat] += delta
        return replacingParameters(tensors)
    }
}
