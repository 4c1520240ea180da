import ConvEngine

/// linear in grading: the chain rule for its weight, bias and input elements, and the mistakes in
/// its backward pass (partial accumulation, a bias summed over the wrong axes).
extension Linear: GradedLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        solution.linearInput(k, self, full, solution.inputLHS(k, full))
    }

    public func explainParameter(_ parameter: String, in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation
    {
        parameter == "weight" ? solution.linearWeight(k, full[0], full[1]) : solution.linearBias(k, full[0])
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] {
        solution.biasMistakes(k)
            + solution.accumulationMistakes(k) { samples, _ in solution.linearWeightGradient(k, self, samples: samples)
            }
    }
}

extension Solution {
    /// `dL/dW[o,f] = sum over n of dL/dZ[n,o] * X[n,f]` (`y = x W^T + b`).
    fileprivate func linearWeight(_ k: Int, _ o: Int, _ f: Int) -> Explanation {
        let x = layerInput(k)
        let dZ = upstream(k)
        let terms = (0..<dZ.shape[0]).map { n in
            ExplainTerm(
                ExplainFactor(of: problem.layerNames[k], index: [n, o], value: dZ[[n, o]]),
                ExplainFactor(of: inputName(k), index: inputIndex(k, [n, f]), value: x[[n, f]]))
        }
        let lhs = "dL/d" + Self.symbol("w", [o, f], [dZ.shape[1], x.shape[1]])
        return Explanation(
            of: "", index: [], value: 0,
            formula: "dL/dW[\(TensorIndex.text(weightIndex(k, [o, f])))] = sum over n of dL/dZ[n,\(o)] * X[n,\(f)]",
            board: board(lhs, terms, up: "z", dZ.shape, local: "x", x.shape), terms: terms)
    }

    fileprivate func linearBias(_ k: Int, _ o: Int) -> Explanation {
        let dZ = upstream(k)
        let terms = (0..<dZ.shape[0]).map { n in
            ExplainTerm(ExplainFactor(of: problem.layerNames[k], index: [n, o], value: dZ[[n, o]]), .constant(1))
        }
        return Explanation(
            of: "", index: [], value: 0, formula: "dL/db[\(o)] = sum over n of dL/dZ[n,\(o)]",
            board: board("dL/db\(o + 1)", terms, up: "z", dZ.shape, local: nil, []), terms: terms)
    }

    /// `dL/dX[n,f] = sum over o of dL/dZ[n,o] * W[o,f]`.
    fileprivate func linearInput(_ m: Int, _ spec: Linear, _ full: [Int], _ lhs: String) -> Explanation {
        let dZ = upstream(m)
        let (n, f) = (full[0], full[1])
        let terms = (0..<dZ.shape[1]).map { o in
            ExplainTerm(
                ExplainFactor(of: problem.layerNames[m], index: [n, o], value: dZ[[n, o]]),
                ExplainFactor(
                    of: problem.name(of: .parameter(m, "weight")), index: weightIndex(m, [o, f]),
                    value: spec.weight[[o, f]]))
        }
        return Explanation(
            of: "", index: [], value: 0, formula: "dL/dX[\(n),\(f)] = sum over o of dL/dZ[\(n),o] * W[o,\(f)]",
            board: board(lhs, terms, up: "z", dZ.shape, local: "w", spec.weight.shape), terms: terms)
    }

    /// `dW[o, f] = sum over n in samples of dZ[n, o] * X[n, f]`.
    fileprivate func linearWeightGradient(_ k: Int, _ linear: Linear, samples: Range<Int>) -> Tensor {
        let x = layerInput(k)
        let dZ = upstream(k)
        let (outF, inF) = (linear.weight.shape[0], linear.weight.shape[1])
        var out = Tensor(shape: [outF, inF])
        for n in samples {
            for o in 0..<outF {
                let g = dZ.data[n * outF + o]
                for f in 0..<inF { out.data[o * inF + f] += g * x.data[n * inF + f] }
            }
        }
        return out
    }
}
