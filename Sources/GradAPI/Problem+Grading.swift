import ConvEngine
import Grading

extension Problem {
    /// The problem as the Grading module takes it. Grading names gradients as the layers form does
    /// (`input`, `0.weight`, `0.bias`); `gradingName(of:)` and `wireName(of:)` translate the short
    /// form's `images`, `kernels`, `bias` both ways.
    public func gradingProblem(seed: BackwardSeed) -> GradingProblem {
        var shapes = ["input": inputWrittenShape]
        for parameter in parameters {
            shapes[gradingName(of: parameter)] = parameter.writtenShape
        }
        return GradingProblem(network: network, input: input, seed: seed, layerNames: layerNames, writtenShapes: shapes)
    }

    /// Grading's name for a name the request used (a gradient or layer name); nil for an unknown gradient name.
    public func gradingName(of wireName: String) -> String? {
        if wireName == inputName { return "input" }
        if let parameter = parameter(named: wireName) { return gradingName(of: parameter) }
        return layerIndex(named: wireName) != nil ? wireName : nil
    }

    /// The request's name for a name Grading used.
    public func wireName(of gradingName: String) -> String {
        if gradingName == "input" { return inputName }
        return parameters.first { self.gradingName(of: $0) == gradingName }?.name ?? gradingName
    }

    private func gradingName(of parameter: ProblemParameter) -> String {
        "\(layerNames[parameter.layer]).\(parameter.role.rawValue)"
    }
}
