import ConvEngine
import Testing

@testable import Grading

/// CS231n's relative error, `max(|x - y| / max(1e-8, |x| + |y|))`, beside each verdict and as a tolerance.
@Suite struct RelErrorTests {
    @Test func relativeError_matchesCS231nFormula() {
        #expect(Tolerance.relativeError(0, 0) == 0)
        #expect(Tolerance.relativeError(1, -1) == 1)
        #expect(Tolerance.relativeError(3, 1) == 0.5)
        #expect(Tolerance.relativeError(1e-9, 0) == 1e-9 / 1e-8)  // the 1e-8 floor
    }

    @Test func comparison_reportsMaxRelErrorOverEveryElement() {
        let expected = Tensor(shape: [3], data: [1, 0, 2])
        let submitted = Tensor(shape: [3], data: [1, 0, 6])
        let c = Comparison(submitted: submitted, expected: expected)
        #expect(c.relError == 0.5, "expected 0.5, observed \(String(describing: c.relError))")
        #expect(Comparison(submitted: Tensor(shape: [2]), expected: expected).relError == nil)
    }

    @Test func relErrorTolerance_gradesByRelErrorInsteadOfAllclose() {
        let expected = Tensor(shape: [2], data: [1e-3, 100])
        // 1e-3 -> 1.001e-3 fails allclose's rtol 1e-5 but its rel_error is about 5e-4.
        let submitted = Tensor(shape: [2], data: [1.001e-3, 100])
        #expect(!Comparison(submitted: submitted, expected: expected).passed)
        #expect(Comparison(submitted: submitted, expected: expected, tolerance: Tolerance(relError: 1e-3)).passed)
        let strict = Comparison(submitted: submitted, expected: expected, tolerance: Tolerance(relError: 1e-4))
        #expect(!strict.passed && strict.mismatched == 1 && strict.mismatches.first?.index == [0])
    }
}
