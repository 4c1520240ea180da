import Testing

@testable import ConvEngine

/// The conformance README's tolerance: `got` passes against `want` when
/// `|got - want| <= max(1e-9 * |want|, 1e-12 * max(1, max |want| over the tensor))`:
/// relative 1e-9 (room for another summation order), with an absolute floor for elements that
/// cancel to about 0.
enum Closeness {
    static func allowedError(_ want: Double, tensorMax: Double) -> Double {
        max(1e-9 * abs(want), 1e-12 * max(1, tensorMax))
    }

    /// Records an issue naming the case, the tensor, the first failing index, expected, observed and
    /// the error. Shapes must be equal exactly. Returns whether everything matched.
    @discardableResult
    static func expect(
        _ got: Tensor, _ want: Tensor, case name: String, tensor: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        guard got.shape == want.shape else {
            Issue.record(
                "\(name): \(tensor): shape \(got.shape), expected \(want.shape)", sourceLocation: sourceLocation)
            return false
        }
        let tensorMax = want.data.map(abs).max() ?? 0
        for i in want.data.indices {
            let (w, g) = (want.data[i], got.data[i])
            let error = abs(g - w)
            guard error <= allowedError(w, tensorMax: tensorMax) else {
                Issue.record(
                    "\(name): \(tensor)[\(multiIndex(i, want.shape))] expected \(w), observed \(g), error \(error)",
                    sourceLocation: sourceLocation)
                return false
            }
        }
        return true
    }

    /// A scalar as a one-element tensor (the loss is "its own tensor").
    @discardableResult
    static func expect(
        _ got: Double?, _ want: Double, case name: String, tensor: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        guard let got else {
            Issue.record("\(name): \(tensor) missing, expected \(want)", sourceLocation: sourceLocation)
            return false
        }
        return expect(
            Tensor(scalar: got), Tensor(scalar: want), case: name, tensor: tensor, sourceLocation: sourceLocation)
    }

    /// Row-major flat index -> `[i, j, ...]`.
    static func multiIndex(_ flat: Int, _ shape: [Int]) -> [Int] {
        var rest = flat
        var index = [Int](repeating: 0, count: shape.count)
        for d in shape.indices.reversed() where shape[d] > 0 {
            index[d] = rest % shape[d]
            rest /= shape[d]
        }
        return index
    }
}
