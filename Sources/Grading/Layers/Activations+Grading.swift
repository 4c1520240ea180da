import ConvEngine

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
