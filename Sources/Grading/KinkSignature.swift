import ConvEngine

/// The discrete decisions of one forward pass: which ReLU / leaky ReLU inputs are positive and
/// which element wins each max-pool window. Two passes with equal signatures lie on the same
/// smooth piece of the loss.
struct KinkSignature: Equatable {
    var decisions: [Int]

    init(problem: GradingProblem, activations: [Tensor]) {
        var decisions: [Int] = []
        for (k, layer) in problem.layers.enumerated() {
            let x = k == 0 ? problem.input : activations[k - 1]
            switch layer {
            case .relu, .leakyReLU:
                decisions += x.data.map { $0 > 0 ? 1 : 0 }
            case .maxPool2d(let spec):
                let g = PoolGeometry(max: spec, inputShape: x.shape)
                for nc in 0..<(x.shape[0] * x.shape[1]) {
                    for i in 0..<g.outH {
                        for j in 0..<g.outW { decisions.append(g.argmax(x.data, base: nc * g.inH * g.inW, i, j)) }
                    }
                }
            default:
                continue
            }
        }
        self.decisions = decisions
    }
}

extension Solution {
    /// Multiply-adds of one forward pass (at least one per output element of every layer).
    public var forwardCost: Int {
        var cost = 0
        for (k, layer) in problem.layers.enumerated() {
            let out = backward.activations[k]
            switch layer {
            case .conv2d(let spec): cost += out.count * spec.weight.shape.dropFirst().reduce(1, *)
            case .linear(let spec): cost += out.count * spec.weight.shape[1]
            case .maxPool2d(let spec): cost += out.count * spec.kernel.h * spec.kernel.w
            case .avgPool2d(let spec): cost += out.count * spec.kernel.h * spec.kernel.w
            default: cost += out.count
            }
        }
        return max(cost, 1)
    }

    /// The work a gradient check does: two forward passes per element of every gradient tensor.
    public var gradcheckWork: Int {
        let elements = problem.gradientNames.compactMap { problem.target(named: $0).flatMap(gradient(of:))?.count }.reduce(0, +)
        let (product, overflow) = (2 * elements).multipliedReportingOverflow(by: forwardCost)
        return overflow ? Int.max : product
    }
}
