import ConvEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The elementwise activations in grading: dL/dX = dL/dZ * f'(X), one term per element; the mask
/// mistakes of ReLU and leaky ReLU, whose input signs are kinks.
extension ReLU: GradedLayer, ParameterFreeLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        let x = solution.layerInput(k)[full]
        return solution.explainElementwise(
            k, full, derivative: "relu'", value: x > 0 ? 1 : 0, formula: "1 if x > 0 else 0, x = \(x)")
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] { solution.reluMistakes(k, leaky: false) }

    public func kinkDecisions(input: Tensor) -> [Int] { input.data.map { $0 > 0 ? 1 : 0 } }
}

extension LeakyReLU: GradedLayer, ParameterFreeLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        let x = solution.layerInput(k)[full]
        return solution.explainElementwise(
            k, full, derivative: "leaky_relu'", value: x > 0 ? 1 : negativeSlope,
            formula: "1 if x > 0 else negative_slope (\(negativeSlope)), x = \(x)")
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] { solution.reluMistakes(k, leaky: true) }

    public func kinkDecisions(input: Tensor) -> [Int] { input.data.map { $0 > 0 ? 1 : 0 } }
}

extension Sigmoid: GradedLayer, ParameterFreeLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        let y = solution.backward.activations[k][full]
        return solution.explainElementwise(
            k, full, derivative: "sigmoid'", value: y * (1 - y), formula: "y * (1 - y), y = \(y)")
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] { [] }
}

extension Tanh: GradedLayer, ParameterFreeLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        let y = solution.backward.activations[k][full]
        return solution.explainElementwise(k, full, derivative: "tanh'", value: 1 - y * y, formula: "1 - y^2, y = \(y)")
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] { [] }
}

extension Solution {
    func reluMistakes(_ k: Int, leaky: Bool) -> [Mistake] {
        let dY = upstream(k)
        let y = backward.activations[k]
        let name = "\(leaky ? "leaky ReLU" : "ReLU") layer \"\(problem.layerNames[k])\""
        let derivative =
            leaky
            ? "1 where its input is positive and negative_slope elsewhere"
            : "1 where its input is positive and 0 elsewhere"
        return [
            Mistake(
                DiagnosisCode.reluMaskWrong,
                "Your gradient passes through \(name) without its mask: its derivative is \(derivative), so the gradient must be masked by the input's sign.",
                layer: k, inputGradient: LazyTensor(dY)),
            Mistake(
                DiagnosisCode.reluMaskWrong,
                "Your gradient through \(name) is multiplied by the layer's output values; its derivative is the mask (\(derivative)), not the output itself.",
                layer: k, inputGradient: LazyTensor(shape: dY.shape) { dY.multiplied(by: y) }),
            Mistake(
                DiagnosisCode.reluMaskWrong,
                "Your gradient through \(name) is masked by the sign of the incoming gradient; the mask comes from the layer's input (x > 0), not from dL/dY.",
                layer: k,
                inputGradient: LazyTensor(shape: dY.shape) {
                    Tensor(shape: dY.shape, data: dY.data.map { $0 > 0 ? $0 : 0 })
                }),
        ]
    }

}

extension DiagnosisCode {
    public static let reluMaskWrong = DiagnosisCode(rawValue: "relu_mask_wrong")
}

// MARK: - Readings for the diagnosis search (Search/DiagnosisSearch.swift)

/// sigmoid and tanh read with primitive errors: the derivative taken at the output y instead of the
/// input x (`f'(y)` for `f'(x)`), and the chain broken at the layer (dL/dY passed through unchanged).
extension Sigmoid: SearchableLayer {
    func readings(in solution: Solution, layer k: Int) -> [Mistake] {
        solution.activationReadings(k, "sigmoid", derivative: "sigma(x) * (1 - sigma(x)) = y * (1 - y)") { y in
            let s = 1 / (1 + exp(-y))
            return s * (1 - s)
        }
    }
}

extension Tanh: SearchableLayer {
    func readings(in solution: Solution, layer k: Int) -> [Mistake] {
        solution.activationReadings(k, "tanh", derivative: "1 - tanh(x)^2 = 1 - y^2") { y in 1 - tanh(y) * tanh(y) }
    }
}

extension DiagnosisCode {
    public static let activationAtOutput = DiagnosisCode(rawValue: "activation_at_output")
    public static let chainBroken = DiagnosisCode(rawValue: "chain_broken")
}

extension Solution {
    /// `dX' = dY * f'(y)` (the derivative at the output) and `dX' = dY` (no derivative at all).
    func activationReadings(_ k: Int, _ kind: String, derivative: String, atOutput: @escaping (Double) -> Double)
        -> [Mistake]
    {
        let dY = upstream(k)
        let y = backward.activations[k]
        let name = "\(kind) layer \"\(problem.layerNames[k])\""
        return [
            Mistake(
                [
                    Primitive(
                        code: .activationAtOutput,
                        message:
                            "Your gradient through \(name) takes the derivative at the layer's output: \(kind)'(y) where \(kind)'(x) belongs; with y already computed, it is \(derivative)."
                    )
                ],
                layer: k,
                inputGradient: LazyTensor(shape: dY.shape) {
                    Tensor(shape: dY.shape, data: zip(dY.data, y.data).map { $0 * atOutput($1) })
                }),
            Mistake(
                [
                    Primitive(
                        code: .chainBroken,
                        message:
                            "Your gradient passes through \(name) unchanged: the chain rule multiplies dL/dY by the layer's derivative, \(derivative)."
                    )
                ],
                layer: k, inputGradient: LazyTensor(dY)),
        ]
    }
}
