import ConvEngine

/// residual in grading: the block's inner layers are explained inside a solution of the block alone
/// (its input, and dL/d(block output) as the seed), then the skip path's term is added:
/// `dL/dX[i] = dL/dZ[i] * 1 + (the chain rule through the block)`. The mistake is the skip path's
/// gradient left out.
extension Residual: GradedLayer, SmoothLayer {
    /// The inner layers as grading takes them; every kind the API registers is one.
    var gradedLayers: [any GradedLayer] { layers.map { $0 as! any GradedLayer } }

    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        let inner = innerSolution(solution, k)
        var explanation = gradedLayers[0].explainInput(in: inner, layer: 0, full)
        let dZ = solution.upstream(k)
        let skip = ExplainTerm(
            ExplainFactor(of: solution.problem.layerNames[k], index: full, value: dZ[full]),
            .constant(1, formula: "the skip connection: y = x + block(x)"))
        explanation.terms.insert(skip, at: 0)
        explanation.formula =
            "dL/dX[\(TensorIndex.text(full))] = dL/dZ[\(TensorIndex.text(full))] (skip) + " + explanation.formula
        explanation.board = explanation.board.replacingFirst(
            " = ", with: " = dL/d\(Solution.symbol("z", full, dZ.shape)) + ")
        return explanation
    }

    public func explainParameter(_ parameter: String, in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation
    {
        let inner = innerSolution(solution, k)
        let dot = parameter.firstIndex(of: ".")!  // "<inner name>.<parameter>", as `parameters` names them
        let j = names.firstIndex(of: String(parameter[..<dot]))!
        return gradedLayers[j].explainParameter(
            String(parameter[parameter.index(after: dot)...]), in: inner, layer: j, full)
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] {
        let dZ = solution.upstream(k)
        let dX = k == 0 ? solution.backward.inputGradient : solution.backward.activationGradients[k - 1]
        return [
            Mistake(
                .residualSkipForgotten,
                "Your gradient through residual block \"\(solution.problem.layerNames[k])\" leaves out the skip path: y = x + block(x), so dL/dx = dL/dy (through the identity) + the gradient through the block.",
                layer: k,
                inputGradient: LazyTensor(shape: dX.shape) {
                    Tensor(shape: dX.shape, data: zip(dX.data, dZ.data).map { $0 - $1 })
                })
        ]
    }

    /// The inner layers' decisions on the block's input.
    public func kinkDecisions(input: Tensor) -> [Int] {
        guard let activations = try? Network(layers: layers).forward(input).activations else { return [] }
        return gradedLayers.enumerated().flatMap { i, layer in
            layer.kinkDecisions(input: i == 0 ? input : activations[i - 1])
        }
    }

    /// The block alone, solved from its input with dL/d(block output) as the seed; its layers named
    /// `"<block>.<inner>"` and its input named as the block's input is.
    private func innerSolution(_ solution: Solution, _ k: Int) -> Solution {
        let block = solution.problem.layerNames[k]
        let problem = GradingProblem(
            layers: gradedLayers, input: solution.layerInput(k), seed: .gradOutput(solution.upstream(k)),
            layerNames: names.map { "\(block).\($0)" }, renamed: [.input: solution.inputName(k)])
        return try! Solution(problem: problem)  // the same layers already ran on this input
    }
}

extension DiagnosisCode {
    public static let residualSkipForgotten = DiagnosisCode(rawValue: "residual_skip_forgotten")
}

extension String {
    /// The string with its first `target` replaced.
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        return String(self[..<range.lowerBound]) + replacement + String(self[range.upperBound...])
    }
}
