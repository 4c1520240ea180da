import ConvEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
