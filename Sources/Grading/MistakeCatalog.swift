import ConvEngine

/// A wrong gradient a student could have computed, with what to tell them when theirs matches it.
struct Candidate {
    var diagnosis: Diagnosis
    var tensor: LazyTensor
    /// How many primitive errors it combines.
    var depth = 1
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
    private var propagated: [Int: [Int: [GradientTarget: Tensor]]] = [:]
    private var byTarget: [GradientTarget: [Candidate]] = [:]
    /// The true gradient in wrong layouts, by target (Search/DiagnosisSearch.swift), built once.
    var layouts: [GradientTarget: [Candidate]] = [:]

    /// The targets submissions will be graded on, when known: carried-back gradients of other
    /// targets are not kept (on a large problem each is as big as an activation).
    let wanted: Set<GradientTarget>?

    init(solution: Solution, cancel: CancellationCheck? = nil, wanted: Set<GradientTarget>? = nil) {
        self.solution = solution
        self.cancel = cancel
        self.wanted = wanted
    }

    private var problem: GradingProblem { solution.problem }

    /// Every candidate for `target`, nearest cause first: the layer's own mistakes, then mistakes in
    /// later layers carried back to it, then the true gradient with its axes permuted.
    func candidates(for target: GradientTarget) -> [Candidate] {
        if let known = byTarget[target] { return known }
        var found: [Candidate] = []
        let (ownLayer, firstLater) = reach(of: target)
        if let k = ownLayer {  // a layer's own mistakes, and those of the layers before it that reach into it
            for m in 0...k {
                found += mistakes(at: m).compactMap { m in
                    m.own[target].map { Candidate(diagnosis: m.diagnosis, tensor: $0, depth: m.depth) }
                }
            }
        }
        guard let truth = solution.gradient(of: target) else { return [] }
        for m in firstLater...problem.layers.count {  // the last is the loss's own mistakes
            for (i, mistake) in mistakes(at: m).enumerated() where reaches(mistake, target) {
                let direct = target == (m == 0 ? .input : .activation(m - 1))
                let shape = direct ? mistake.inputGradient?.shape ?? truth.shape : truth.shape
                let carried = LazyTensor(shape: shape) { [unowned self] in gradients(of: m, i)[target] }
                found.append(Candidate(diagnosis: mistake.diagnosis, tensor: carried, depth: mistake.depth))
            }
        }
        found += Self.permutations(of: truth)
        byTarget[target] = found
        return found
    }

    /// The layer whose own mistakes reach `target` directly, and the first layer whose input-gradient
    /// mistakes flow back into it.
    private func reach(of target: GradientTarget) -> (Int?, Int) {
        switch target {
        case .input: (nil, 0)
        case .parameter(let k, _): (k, k + 1)
        case .activation(let k): (nil, k + 1)
        }
    }

    /// Layer `k`'s mistakes; `k == layers.count` means the loss's (a wrong dL/d(output)).
    private func mistakes(at k: Int) -> [Mistake] {
        if let known = localMistakes[k] { return known }
        // The layer's own mistakes, then the search's readings of it (Search/SearchableLayer.swift).
        let found =
            k < problem.layers.count
            ? problem.layers[k].mistakes(in: solution, layer: k) + solution.readings(of: k) : solution.lossMistakes()
        localMistakes[k] = found
        return found
    }

    /// True when mistake `mistake` shows in `target`: directly (the gradient of its layer's
    /// input), or carried back when its wrong input gradient has the true shape.
    private func reaches(_ mistake: Mistake, _ target: GradientTarget) -> Bool {
        guard let dX = mistake.inputGradient else { return false }
        let m = mistake.layer
        if target == (m == 0 ? .input : .activation(m - 1)) { return true }
        return dX.shape == solution.layerInput(m).shape
    }

    /// The gradients mistake `i` of layer `m` leads to in the layers before it, computed once: its
    /// wrong dL/d(input of m) directly, then carried back through layers `m-1 … 0` by the engine's
    /// per-layer backward passes saved by the solution (no forward pass is repeated).
    private func gradients(of m: Int, _ i: Int) -> [GradientTarget: Tensor] {
        if let known = propagated[m]?[i] { return known }
        let carried = carryBack(mistakes(at: m)[i])
        propagated[m, default: [:]][i] = carried
        return carried
    }

    private func carryBack(_ mistake: Mistake) -> [GradientTarget: Tensor] {
        guard let dX = mistake.inputGradient?.value?.tensor else { return [:] }
        let m = mistake.layer
        var out: [GradientTarget: Tensor] = [:]
        func keep(_ target: GradientTarget, _ tensor: Tensor?) {
            if let tensor, wanted?.contains(target) ?? true { out[target] = tensor }
        }
        keep(m == 0 ? .input : .activation(m - 1), dX)
        guard m > 0, dX.shape == solution.layerInput(m).shape else { return out }
        var gradient = dX
        for k in stride(from: m - 1, through: 0, by: -1) {
            if cancel?() == true { return out }
            keep(.activation(k), gradient)
            let step = solution.backward.steps[k](gradient)
            for parameter in step.parameters { keep(.parameter(k, parameter.name), parameter.tensor) }
            gradient = step.input
        }
        keep(.input, gradient)
        return out
    }
}
