import ConvEngine

#if canImport(Glibc)
    import Glibc
#endif

/// gelu in grading: one term per element, `dL/dX = dL/dZ * gelu'(X)`; the mistake is the derivative
/// taken as `Phi(x)` alone, as if x * Phi(x) had a constant x.
extension GELU: GradedLayer, ParameterFreeLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        let x = solution.layerInput(k)[full]
        let formula =
            approximate == .none
            ? "Phi(x) + x * phi(x), x = \(x)"
            : "(1 + t) / 2 + x / 2 * (1 - t^2) * sqrt(2/pi) * (1 + 3 * 0.044715 x^2), t = tanh(sqrt(2/pi) (x + 0.044715 x^3)), x = \(x)"
        return solution.explainElementwise(k, full, derivative: "gelu'", value: derivative(x), formula: formula)
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] {
        guard approximate == .none else { return [] }
        let x = solution.layerInput(k)
        let dY = solution.upstream(k)
        return [
            Mistake(
                .geluProductRule,
                "Your gradient through gelu layer \"\(solution.problem.layerNames[k])\" uses Phi(x) alone as the derivative; gelu(x) = x * Phi(x) is a product, so its derivative is Phi(x) + x * phi(x).",
                layer: k,
                inputGradient: LazyTensor(shape: x.shape) {
                    Tensor(
                        shape: x.shape, data: zip(x.data, dY.data).map { 0.5 * (1 + erf($0 / 2.0.squareRoot())) * $1 })
                })
        ]
    }
}

extension DiagnosisCode {
    public static let geluProductRule = DiagnosisCode(rawValue: "gelu_product_rule")
}
