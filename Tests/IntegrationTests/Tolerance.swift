/// The conformance README's tolerance: `got` passes against `want` when
///
///     |got - want| <= max(1e-9 * |want|, 1e-12 * max(1, max |want| over that tensor))
///
/// The relative part allows a different but correct order of summation; the absolute floor covers
/// elements that cancel to about 0, where no relative bound means anything.
enum Tolerance {
    static func allowedError(want: Double, tensorMax: Double) -> Double {
        max(1e-9 * abs(want), 1e-12 * max(1, tensorMax))
    }

    /// nil when `got` matches `want`; otherwise a message naming the first differing index with
    /// the expected and observed values and the error.
    static func mismatch(got: Tensor, want: Tensor, name: String) -> String? {
        guard got.shape == want.shape else { return "\(name): shape \(got.shape), expected \(want.shape)" }
        let tensorMax = want.data.reduce(0) { max($0, abs($1)) }
        for (flat, (observed, expected)) in zip(got.data, want.data).enumerated() {
            let error = abs(observed - expected)
            guard !(error <= allowedError(want: expected, tensorMax: tensorMax)) else { continue }
            return "\(name)\(want.index(ofFlat: flat)): expected \(expected), observed \(observed), error \(error)"
        }
        return nil
    }

    /// A scalar (the loss) is its own one-element tensor.
    static func mismatch(got: Double, want: Double, name: String) -> String? {
        mismatch(got: Tensor(shape: [], data: [got]), want: Tensor(shape: [], data: [want]), name: name)
    }
}
