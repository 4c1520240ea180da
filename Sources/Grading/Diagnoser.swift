import ConvEngine

/// Explains a wrong gradient: fits the submission S against the true gradient G scaled, against G
/// with its axes permuted, and against the gradients recomputed under each mistaken reading of the
/// problem, and names the first that fits.
///
/// Edge cases: a submission that fits G itself (float32 rounding, noise under the fit tolerance)
/// gets no diagnosis; a candidate equal to G (a symmetric kernel rotated) or all zeros is never
/// offered; an arbitrary factor is only named when G has at least 3 non-zero elements, so a random
/// scalar is not "a constant factor".
struct Diagnoser {
    /// S fits C when every `|s - c| <= fitRtol * |c| + fitAtol * max|C|`: loose enough for a mistake
    /// made in float32, far too tight for a random array.
    static let fitRtol = 1e-4
    static let fitAtol = 1e-6

    var catalog: MistakeCatalog
    /// False under hidden feedback: messages then carry no number derived from the submission.
    var revealFactor: Bool
    /// Bounds the search (Search/SearchBudget.swift).
    var budget = SearchBudget()

    /// The simplest combination of primitive errors that reproduces `submitted` (Search/DiagnosisSearch.swift);
    /// on a wrong shape the message names both shapes.
    func diagnose(_ submitted: Tensor, target: GradientTarget) -> Diagnosis? {
        let solution = catalog.solution
        guard let truth = solution.gradient(of: target), !Self.fits(submitted, truth) else { return nil }
        var search = DiagnosisSearch(
            diagnoser: self, submitted: submitted, target: target, truth: truth, meter: SearchMeter(budget))
        guard var found = search.run() else { return nil }
        let expected = solution.writtenShape(of: target)
        if !TensorIndex.sameUpToLeadingOnes(submitted.shape, expected) {
            found.message +=
                " Your gradient's shape is \(Self.text(submitted.shape)); the expected shape is \(Self.text(expected))."
        }
        return found
    }

    private static func text(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

    /// S = c * G for one c: the sign, a named constant, or (with at least 3 non-zero elements) any.
    func scaleDiagnosis(_ s: Tensor, _ g: Tensor) -> Diagnosis? {
        guard Self.sameLayout(s, g) else { return nil }
        var sg = 0.0
        var gg = 0.0
        for k in 0..<g.count {
            sg += s.data[k] * g.data[k]
            gg += g.data[k] * g.data[k]
        }
        guard gg > 0, gg.isFinite else { return nil }
        let c = sg / gg
        guard c.isFinite, c != 0, Self.fits(s, Tensor(shape: g.shape, data: g.data.map { $0 * c })) else { return nil }
        if abs(c + 1) <= 1e-3 {
            return Diagnosis(
                code: DiagnosisCode.wrongSign,
                message:
                    "Your gradient has the opposite sign: dL/dw points uphill, and the minus sign belongs only in the update w -= lr * dL/dw."
            )
        }
        let outputCount = catalog.solution.backward.output.count
        for factor in catalog.solution.problem.namedFactors(outputCount: outputCount)
        where abs(abs(c) - factor.value) <= 1e-3 * factor.value {
            return Diagnosis(code: DiagnosisCode.constantFactor, message: factor.message(negative: c < 0))
        }
        guard g.data.lazy.filter({ $0 != 0 }).count >= 3 else { return nil }
        let shown = revealFactor ? " (about \(Self.rounded(c)))" : ""
        return Diagnosis(
            code: DiagnosisCode.constantFactor,
            message:
                "Your gradient is the expected one times a constant factor\(shown): look for a missing or extra scale such as a mean's 1/N, a 2 from a square, or a window size."
        )
    }

    /// Same element count and the same shape once 1s are ignored.
    static func sameLayout(_ a: Tensor, _ b: Tensor) -> Bool { sameLayout(a.shape, b.shape) }

    static func sameLayout(_ a: [Int], _ b: [Int]) -> Bool { TensorIndex.squeezed(a) == TensorIndex.squeezed(b) }

    /// True when `s` fits `c` (see `fitRtol`); never for an all-zero `c`.
    static func fits(_ s: Tensor, _ c: Tensor, scale: Double? = nil) -> Bool {
        guard sameLayout(s, c) else { return false }
        let scale = scale ?? c.maxAbs
        guard scale > 0, scale.isFinite else { return false }
        let atol = fitAtol * scale
        for k in 0..<c.count where !(abs(s.data[k] - c.data[k]) <= atol + fitRtol * abs(c.data[k])) {
            return false
        }
        return true
    }

    /// `c` to 4 significant digits, for a message.
    static func rounded(_ c: Double) -> Double {
        guard c != 0 else { return 0 }
        var scale = 1.0
        while abs(c) * scale < 1000 { scale *= 10 }
        while abs(c) * scale >= 10000 { scale /= 10 }
        return (c * scale).rounded() / scale
    }
}
