import TestSupport
import Testing

@testable import ConvEngine

/// Central-difference gradient checks: `df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`.
///
/// With eps = 1e-6 in float64 the truncation error is O(eps^2) and the rounding error about
/// `1e-16 |f| / eps = 1e-10 |f|`, so `atol 1e-6, rtol 1e-5` passes every correct gradient here while a
/// wrong one (off by a term, a factor, an index) misses by orders of magnitude.
enum Gradcheck {
    static let eps = 1e-6
    static let rtol = 1e-5
    static let atol = 1e-6

    /// Checks `analytic` against central differences of `f` around `x`; records an issue with the
    /// index, expected (numeric), observed (analytic) and the error at the first mismatch.
    @discardableResult
    static func expect(
        _ label: String, at x: Tensor, analytic: Tensor, sourceLocation: SourceLocation = #_sourceLocation,
        _ f: (Tensor) throws -> Double
    ) rethrows -> Bool {
        guard analytic.shape == x.shape else {
            Issue.record(
                "\(label): gradient shape \(analytic.shape), expected \(x.shape)", sourceLocation: sourceLocation)
            return false
        }
        var probe = x
        for i in x.data.indices {
            probe.data[i] = x.data[i] + eps
            let up = try f(probe)
            probe.data[i] = x.data[i] - eps
            let down = try f(probe)
            probe.data[i] = x.data[i]
            let numeric = (up - down) / (2 * eps)
            let error = abs(analytic.data[i] - numeric)
            if error > atol + rtol * abs(numeric) {
                let message =
                    "\(label)[\(Closeness.multiIndex(i, x.shape))] expected (numeric) \(numeric), "
                    + "observed (analytic) \(analytic.data[i]), error \(error)"
                Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
                return false
            }
        }
        return true
    }

    /// `sum(r * y)`: a scalar whose gradient with respect to `y` is `r`, to check an op's backward
    /// pass with `gradOutput = r`.
    static func project(_ y: Tensor, _ r: Tensor) -> Double {
        zip(y.data, r.data).reduce(0) { $0 + $1.0 * $1.1 }
    }
}

typealias CaseGenerator = SplitMix64

extension SplitMix64 {
    /// A tensor of `shape` with elements uniform in `range`.
    mutating func tensor(_ shape: [Int], in range: ClosedRange<Double> = -1...1) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Double.random(in: range, using: &self) })
    }
}
