import ConvEngine
import Grading

/// The one adapter from the API's `Problem` to Grading's `GradingProblem`. Grading names gradients as
/// the layers form does (`input`, `0.weight`, `0.bias`); the request's own names (the short form's
/// `images`, `kernels`, `bias`) are passed as renames, so Grading answers in the request's names.
extension Problem {
    /// The problem as the Grading module takes it: the engine's values plus the request's names and
    /// written shapes. /grade, /explain and /gradcheck need a seed (`loss` or `grad_output`).
    func gradingProblem() throws -> GradingProblem {
        gradingProblem(seed: try requireSingleSeed())
    }

    /// The problem as the Grading module takes it, with this seed.
    func gradingProblem(seed: BackwardSeed) -> GradingProblem {
        var writtenShapes = [inputName: inputWrittenShape]
        var renamed: [GradientTarget: String] = [.input: inputName]
        for parameter in parameters {
            writtenShapes[parameter.name] = parameter.writtenShape
            renamed[.parameter(parameter.layer, parameter.role)] = parameter.name
        }
        return GradingProblem(
            layers: layers, input: input, seed: seed, layerNames: layerNames,
            writtenShapes: writtenShapes, renamed: renamed)
    }

    /// Solves the problem once (forward and backward), engine errors mapped to request paths, and
    /// refuses a problem whose gradients overflow float64 (422 `non_finite_result`).
    func solve(cancel: @escaping @Sendable () -> Bool) throws -> Solution {
        let grading = try gradingProblem()
        let solution = try APIEndpoint.run(self) { try Solution(problem: grading, cancel: cancel) }
        for name in grading.gradientNames + grading.layerNames {
            if let gradient = solution.expected(named: name) {
                try ComputeResponse.checkFinite(gradient, "the gradient \"\(name)\"")
            }
        }
        return solution
    }

    /// Every name a submission or `of` may use: the gradient names, then the layer names.
    var gradableNames: [String] { gradientNames + layerNames }

    /// "input, 0.weight, 0.bias, … (or a layer name: 0, 1, …)" for messages.
    var gradableNamesText: String {
        gradientNames.joined(separator: ", ") + " (or a layer name for dL/d(its output): "
            + layerNames.joined(separator: ", ") + ")"
    }
}
