import ConvEngine
import Testing

@testable import Grading

@Suite struct ComparisonTests {
    let expected = Tensor(shape: [2, 2], data: [1, -2, 0, 1e-3])

    @Test func identicalTensor_passesWithZeroErrors() {
        let c = Comparison(submitted: expected, expected: expected)
        #expect(c.passed && c.shapeOK && c.mismatched == 0 && c.total == 4)
        #expect(c.maxAbsError == 0 && c.maxRelError == 0 && c.mismatches.isEmpty)
    }

    @Test func elementWithinAtolPlusRtolTimesExpected_passes() {
        // |s - e| <= 1e-8 + 1e-5 * |e|: for e = -2 the bound is 2.001e-5.
        let s = Tensor(shape: [2, 2], data: [1, -2 + 2.0e-5, 5e-9, 1e-3])
        #expect(Comparison(submitted: s, expected: expected).passed)
    }

    @Test func elementJustOutsideTolerance_isListedWithWrittenIndex() {
        let s = Tensor(shape: [2, 2], data: [1, -2 + 2.1e-5, 0, 1e-3])
        let c = Comparison(submitted: s, expected: expected)
        #expect(!c.passed && c.mismatched == 1)
        #expect(c.mismatches == [Mismatch(index: [0, 1], expected: -2, submitted: -2 + 2.1e-5)])
    }

    @Test func maxRelError_skipsElementsWhoseExpectedIsZero() {
        let s = Tensor(shape: [2, 2], data: [1.5, -2, 7, 1e-3])
        let c = Comparison(submitted: s, expected: expected)
        #expect(c.maxAbsError == 7)
        #expect(c.maxRelError == 0.5)
        #expect(c.mismatched == 2)
    }

    @Test func customTolerance_isUsed() {
        let s = Tensor(shape: [2, 2], data: [1.05, -2, 0, 1e-3])
        #expect(!Comparison(submitted: s, expected: expected).passed)
        #expect(Comparison(submitted: s, expected: expected, tolerance: Tolerance(rtol: 0.1, atol: 0)).passed)
    }

    @Test func wrongShape_failsEveryElementWithoutErrors() {
        let c = Comparison(submitted: Tensor(shape: [4], data: [1, -2, 0, 1e-3]), expected: expected)
        #expect(!c.passed && !c.shapeOK && c.mismatched == 4 && c.expectedShape == [2, 2])
        #expect(c.maxAbsError == nil && c.maxRelError == nil && c.mismatches.isEmpty)
    }

    @Test func extraLeadingOnes_areAccepted() {
        let c = Comparison(submitted: expected.reshaped([1, 1, 2, 2]), expected: expected)
        #expect(c.passed && c.shapeOK)
    }

    @Test func atMostTenMismatchesAreListed_inRowMajorOrder() {
        let e = Tensor(shape: [3, 5], repeating: 1)
        let c = Comparison(submitted: Tensor(shape: [3, 5], repeating: 2), expected: e)
        #expect(c.mismatched == 15 && c.mismatches.count == 10)
        #expect(c.mismatches.first?.index == [0, 0] && c.mismatches.last?.index == [1, 4])
    }
}
