import ConvEngine

/// Diagnosis as a search over primitive errors (issue 16): the simplest combination of primitives
/// (Search/Primitive.swift) whose recomputation reproduces every element of the submission within
/// `Diagnoser.fits`' tolerance, or none.
///
/// Order, fewest primitives first: one primitive (the true gradient scaled, every single reading
/// of the catalog — the layers' own mistakes and their search readings — then the true
/// gradient's batch axis or layout changed), then two (the catalog's pair readings, then each
/// single reading with an output primitive on top: a sign, a named factor, a transpose, the batch
/// axis summed or dropped). Pruned by shape before anything is computed, and by cheap invariants
/// (sums, squared norms) before a transformed candidate is built.
struct DiagnosisSearch {
    let diagnoser: Diagnoser
    let submitted: Tensor
    let target: GradientTarget
    let truth: Tensor
    var meter: SearchMeter

    private var catalog: MistakeCatalog { diagnoser.catalog }

    mutating func run() -> Diagnosis? {
        if let scaled = diagnoser.scaleDiagnosis(submitted, truth) { return scaled }
        let candidates = catalog.candidates(for: target)
        if let found = first(candidates.filter { $0.depth == 1 }) { return found }
        if let found = first(truthLayouts()) { return found }
        if let found = first(candidates.filter { $0.depth == 2 }) { return found }
        for candidate in candidates where candidate.depth == 1 && !meter.exhausted {
            if let found = composed(candidate) { return found }
        }
        return nil
    }

    /// The true gradient's batch axis or layout changed, built once per catalog.
    private func truthLayouts() -> [Candidate] {
        if let known = catalog.layouts[target] { return known }
        let built = OutputTransform.layouts(of: truth, target: target).map(\.candidate)
        catalog.layouts[target] = built
        return built
    }

    /// The first candidate that reproduces the submission and differs from the true gradient.
    private mutating func first(_ candidates: [Candidate]) -> Diagnosis? {
        for candidate in candidates where Diagnoser.sameLayout(submitted.shape, candidate.tensor.shape) {
            guard meter.spend(candidate.tensor.shape.reduce(1, *)) else { return nil }
            guard let (tensor, scale) = candidate.tensor.value else { continue }
            if Diagnoser.fits(submitted, tensor, scale: scale) && !Diagnoser.fits(tensor, truth) {
                return candidate.diagnosis
            }
        }
        return nil
    }

    /// `candidate` with one output primitive on top: a sign or named factor when it has the
    /// submission's layout; a transpose, the batch axis summed or dropped, or a flattened layout.
    private mutating func composed(_ candidate: Candidate) -> Diagnosis? {
        let shape = candidate.tensor.shape
        let sameLayout = Diagnoser.sameLayout(submitted.shape, shape)
        let transforms = OutputTransform.all(shape: shape, target: target).filter {
            Diagnoser.sameLayout(submitted.shape, $0.shape)
        }
        guard sameLayout || !transforms.isEmpty else { return nil }
        guard meter.spend(submitted.count), let (tensor, _) = candidate.tensor.value else { return nil }
        let reading = Primitive(code: candidate.diagnosis.code, message: candidate.diagnosis.message)
        if sameLayout, let factor = diagnoser.namedScale(submitted, tensor) {
            return Primitive.diagnosis([reading, factor])
        }
        for transform in transforms where transform.keepsInvariants(of: tensor, matching: submitted) {
            let wrong = transform.apply(tensor)
            guard meter.spend(wrong.count) else { return nil }
            if Diagnoser.fits(submitted, wrong) && !Diagnoser.fits(wrong, truth) {
                return Primitive.diagnosis([reading, transform.primitive])
            }
        }
        return nil
    }
}

extension Diagnoser {
    /// `S = c * C` with c the sign or a named factor (never an arbitrary one: a second primitive
    /// must be a cause we can name), when C has at least 3 non-zero elements.
    func namedScale(_ s: Tensor, _ c: Tensor) -> Primitive? {
        var sc = 0.0
        var cc = 0.0
        var nonZero = 0
        for k in 0..<c.count {
            sc += s.data[k] * c.data[k]
            cc += c.data[k] * c.data[k]
            if c.data[k] != 0 { nonZero += 1 }
        }
        guard cc > 0, cc.isFinite, nonZero >= 3 else { return nil }
        let ratio = sc / cc
        guard ratio.isFinite, abs(abs(ratio) - 1) > 1e-3 || ratio < 0 else { return nil }
        guard Self.fits(s, Tensor(shape: c.shape, data: c.data.map { $0 * ratio })) else { return nil }
        if abs(ratio + 1) <= 1e-3 {
            return Primitive(
                code: .wrongSign,
                message:
                    "Your gradient also has the opposite sign: the minus sign belongs only in the update w -= lr * dL/dw."
            )
        }
        let outputCount = catalog.solution.backward.output.count
        for factor in catalog.solution.problem.namedFactors(outputCount: outputCount)
        where abs(abs(ratio) - factor.value) <= 1e-3 * factor.value {
            return Primitive(code: .constantFactor, message: factor.message(negative: ratio < 0))
        }
        return nil
    }
}
