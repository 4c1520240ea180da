import ConvEngine

/// A wrong gradient a student could have computed, with what to tell them when theirs matches it.
struct Candidate: Sendable {
    var diagnosis: Diagnosis
    var tensor: Tensor
    /// `max |tensor|`, kept so fitting many submissions does not recompute it.
    var scale: Double

    init(diagnosis: Diagnosis, tensor: Tensor) {
        self.diagnosis = diagnosis; self.tensor = tensor; self.scale = tensor.maxAbs
    }
}

/// The mistaken readings of one solved problem, built the first time a submission needs them and
/// shared by every later submission: grading 200 students costs the candidates once.
///
/// Not Sendable on purpose: one request grades its submissions on one thread.
final class MistakeCatalog {
    let solution: Solution
    /// Checked by the engine between layers while mistakes are carried back (each is a backward pass).
    let cancel: CancellationCheck?
    private var localMistakes: [Int: [Mistake]] = [:]
    private var propagated: [Int: [[GradientTarget: Tensor]]] = [:]
    private var byTarget: [GradientTarget: [Candidate]] = [:]

    init(solution: Solution, cancel: CancellationCheck? = nil) { self.solution = solution; self.cancel = cancel }

    private var problem: GradingProblem { solution.problem }

    /// Every candidate for `target`, nearest cause first: the layer's own mistakes, then mistakes in
    /// later layers carried back to it, then the true gradient with its axes permuted.
    func candidates(for target: GradientTarget) -> [Candidate] {
        if let known = byTarget[target] { return known }
        var found: [Candidate] = []
        let (ownLayer, firstLater) = reach(of: target)
        if let k = ownLayer {
            found += mistakes(at: k).compactMap { m in m.own[target].map { Candidate(diagnosis: m.diagnosis, tensor: $0) } }
        }
        for m in firstLater..<problem.layers.count {
            for (i, mistake) in mistakes(at: m).enumerated() {
                if let t = gradients(of: m, i)[target] { found.append(Candidate(diagnosis: mistake.diagnosis, tensor: t)) }
            }
        }
        if let truth = solution.gradient(of: target) { found += Self.permutations(of: truth) }
        byTarget[target] = found
        return found
    }

    /// The layer whose own mistakes reach `target` directly, and the first layer whose input-gradient
    /// mistakes flow back into it.
    private func reach(of target: GradientTarget) -> (Int?, Int) {
        switch target {
        case .input: (nil, 0)
        case .weight(let k), .bias(let k): (k, k + 1)
        case .activation(let k): (nil, k + 1)
        }
    }

    private func mistakes(at k: Int) -> [Mistake] {
        if let known = localMistakes[k] { return known }
        var found: [Mistake] = []
        switch problem.layers[k] {
        case .conv2d(let spec): found = solution.convMistakes(k, spec)
        case .linear: found = solution.linearFlattenMistakes(k)
        case .relu: found = solution.reluMistakes(k, leaky: false)
        case .leakyReLU: found = solution.reluMistakes(k, leaky: true)
        case .maxPool2d(let spec): found = solution.maxPoolMistakes(k, spec)
        case .flatten: found = solution.flattenMistakes(k)
        default: break
        }
        if case .conv2d = problem.layers[k] { found += solution.biasMistakes(k) + solution.accumulationMistakes(k) }
        if case .linear = problem.layers[k] { found += solution.biasMistakes(k) + solution.accumulationMistakes(k) }
        localMistakes[k] = found
        return found
    }

    /// The gradients mistake `i` of layer `m` leads to in the layers before it: its wrong
    /// dL/d(input of m) directly, and, when that has the true shape, carried back through layers
    /// `0..<m` by the engine (a backward pass of the prefix seeded with it).
    private func gradients(of m: Int, _ i: Int) -> [GradientTarget: Tensor] {
        if let known = propagated[m], i < known.count { return known[i] }
        let all = mistakes(at: m).map { carryBack($0) }
        propagated[m] = all
        return all[i]
    }

    private func carryBack(_ mistake: Mistake) -> [GradientTarget: Tensor] {
        guard let dX = mistake.inputGradient else { return [:] }
        let m = mistake.layer
        let direct: GradientTarget = m == 0 ? .input : .activation(m - 1)
        var out: [GradientTarget: Tensor] = [direct: dX]
        guard m > 0, dX.shape == solution.layerInput(m).shape else { return out }
        let prefix = Network(layers: Array(problem.layers[0..<m]))
        guard let back = try? prefix.backward(problem.input, seed: .gradOutput(dX), cancel: cancel) else { return out }
        out[.input] = back.inputGradient
        for k in 0..<m {
            if let w = back.parameterGradients[k].weight { out[.weight(k)] = w }
            if let b = back.parameterGradients[k].bias { out[.bias(k)] = b }
            if k < m - 1 { out[.activation(k)] = back.activationGradients[k] }
        }
        return out
    }
}
