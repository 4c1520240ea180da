import ConvEngine

/// numpy.allclose's tolerance: an element passes when `|s - e| <= atol + rtol * |e|`; or, with
/// `relError` set, CS231n's: when `|s - e| / max(1e-8, |s| + |e|) <= relError`.
public struct Tolerance: Sendable, Equatable {
    public var rtol: Double
    public var atol: Double
    /// When set, elements are graded by CS231n's relative error instead of allclose.
    public var relError: Double?

    /// numpy's defaults: rtol 1e-5, atol 1e-8.
    public init(rtol: Double = 1e-5, atol: Double = 1e-8) {
        self.rtol = rtol
        self.atol = atol
    }

    /// Grading by CS231n's relative error: an element passes when its `relativeError` is at most `relError`.
    public init(relError: Double) {
        self.init()
        self.relError = relError
    }

    /// numpy.isclose(submitted, expected): asymmetric, the tolerance scales with the expected value;
    /// CS231n's symmetric relative error when `relError` is set.
    @inline(__always)
    public func accepts(_ submitted: Double, expected: Double) -> Bool {
        if let relError { return Self.relativeError(submitted, expected) <= relError }
        return abs(submitted - expected) <= atol + rtol * abs(expected)
    }

    /// CS231n's `|x - y| / max(1e-8, |x| + |y|)` (assignment 1's `rel_error`, one element).
    ///
    /// Edge cases: 0 when both are 0; 1 when the signs are opposite or one is 0 and the other not
    /// (above 1e-8); NaN propagates (and then never passes).
    @inline(__always)
    public static func relativeError(_ x: Double, _ y: Double) -> Double {
        abs(x - y) / max(1e-8, abs(x) + abs(y))
    }

    /// How a message names this tolerance: "rtol 1e-05, atol 1e-08" or "rel_error 1e-06".
    public var text: String {
        if let relError { return "rel_error \(relError)" }
        return "rtol \(rtol), atol \(atol)"
    }
}

/// One element that failed the tolerance, indexed in the rank the request wrote the tensor in.
public struct Mismatch: Sendable, Equatable {
    public var index: [Int]
    public var expected: Double
    public var submitted: Double
}

/// How one submitted tensor compares with the expected gradient.
public struct Comparison: Sendable, Equatable {
    /// At most this many mismatches are listed.
    public static let listedMismatches = 10

    public var passed: Bool
    public var shapeOK: Bool
    /// The shape the gradient must have: the shape of its tensor as the request wrote it.
    public var expectedShape: [Int]
    /// Elements outside the tolerance; all of them when the shape is wrong.
    public var mismatched: Int
    public var total: Int
    /// Largest `|s - e|`; nil when the shape is wrong.
    public var maxAbsError: Double?
    /// Largest `|s - e| / |e|` over elements whose expected value is not 0 (0 when there is none);
    /// nil when the shape is wrong.
    public var maxRelError: Double?
    /// CS231n's `max(|s - e| / max(1e-8, |s| + |e|))` over every element; nil when the shape is wrong.
    public var relError: Double?
    /// The first `listedMismatches` failing elements in row-major order.
    public var mismatches: [Mismatch]

    /// Compares element by element with numpy.allclose semantics (or CS231n's rel_error, see `Tolerance`).
    ///
    /// A submission whose shape differs from `expected` only by leading 1s (`[1, 1, 2, 2]` for a
    /// weight written `[2, 2]`) is compared as if written in the expected rank; any other shape fails
    /// every element.
    public init(submitted: Tensor, expected: Tensor, tolerance: Tolerance = Tolerance()) {
        expectedShape = expected.shape
        total = expected.count
        shapeOK = TensorIndex.sameUpToLeadingOnes(submitted.shape, expected.shape)
        guard shapeOK else {
            passed = false
            mismatched = total
            maxAbsError = nil
            maxRelError = nil
            relError = nil
            mismatches = []
            return
        }
        var mismatched = 0
        var maxAbs = 0.0
        var maxRel = 0.0
        var relError = 0.0
        var listed: [Mismatch] = []
        for k in 0..<expected.count {
            let e = expected.data[k]
            let s = submitted.data[k]
            let error = abs(s - e)
            maxAbs = max(maxAbs, error)
            if e != 0 { maxRel = max(maxRel, error / abs(e)) }
            relError = max(relError, Tolerance.relativeError(s, e))
            guard !tolerance.accepts(s, expected: e) else { continue }
            mismatched += 1
            if listed.count < Self.listedMismatches {
                listed.append(Mismatch(index: TensorIndex.unravel(k, expected.shape), expected: e, submitted: s))
            }
        }
        self.mismatched = mismatched
        self.passed = mismatched == 0
        self.maxAbsError = maxAbs
        self.maxRelError = maxRel
        self.relError = relError
        self.mismatches = listed
    }
}
