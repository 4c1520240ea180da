import ConvEngine

/// dropout in grading: one term per element, `dL/dX = dL/dZ * mask / (1 - p)`; the mistakes are the
/// scale forgotten or applied twice.
extension Dropout: GradedLayer, ParameterFreeLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        let flat = TensorIndex.ravel(full, solution.layerInput(k).shape)
        let (value, formula): (Double, String) =
            switch scaling {
            case .identity: (1, "1: dropout is the identity here (training \(training), p = \(p))")
            case .zero: (0, "0: p = 1 drops every element")
            case .mask(let mask, let scale):
                (mask.data[flat] * scale, "mask / (1 - p) = \(mask.data[flat]) / (1 - \(p))")
            }
        return solution.explainElementwise(k, full, derivative: "dropout'", value: value, formula: formula)
    }

    /// A wrong dropout scale multiplies every gradient before it by one constant, so the diagnoser's
    /// scale check names it: the scale forgotten (`1 - p` times the expected gradient) or applied twice.
    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] { [] }

    public func constantFactors(layerName: String) -> [NamedFactor] {
        guard case .mask = scaling else { return [] }
        return [
            NamedFactor(
                value: 1 - p, name: "1 - p = \(1 - p)",
                cause:
                    "dropout layer \"\(layerName)\" divides by 1 - p in the forward pass, so its backward pass divides dL/dy * mask by 1 - p too"
            ),
            NamedFactor(
                value: 1 / (1 - p), name: "1/(1 - p) = \(1 / (1 - p))",
                cause:
                    "dropout layer \"\(layerName)\" scales by 1/(1 - p) once, as in the forward pass; you scaled twice"),
        ]
    }
}
