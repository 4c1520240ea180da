import ConvEngine

/// numpy.allclose's tolerance: an element passes when `|s - e| <= atol + rtol * |e|`.
public struct Tolerance: Sendable, Equatable {
    public var rtol: Double
    public var atol: Double

    /// numpy's defaults: rtol 1e-5, atol 1e-8.
    public init(rtol: Double = 1e-5, atol: Double = 1e-8) { self.rtol = rtol; self.atol = atol }

    /// numpy.isclose(submitted, expected): asymmetric, the tolerance scales with the expected value.
    @inline(__always)
    public func accepts(_ submitted: Double, expected: Double) -> Bool {
        abs(submitted - expected) <= atol + rtol * abs(expected)
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
    /// The first `listedMismatches` failing elements in row-major order.
    public var mismatches: [Mismatch]

    /// Compares element by element with numpy.allclose semantics.
    ///
    /// A submission whose shape differs from `expected` only by leading 1s (`[1, 1, 2, 2]` for a
    /// weight written `[2, 2]`) is compared as if written in the expected rank; any other shape fails
    /// every element.
    public init(submitted: Tensor, expected: Tensor, tolerance: Tolerance = Tolerance()) {
        expectedShape = expected.shape
        total = expected.count
        shapeOK = TensorIndex.sameUpToLeadingOnes(submitted.shape, expected.shape)
        guard shapeOK else {
            passed = false; mismatched = total; maxAbsError = nil; maxRelError = nil; mismatches = []
            return
        }
        var mismatched = 0, maxAbs = 0.0, maxRel = 0.0
        var listed: [Mismatch] = []
        for k in 0..<expected.count {
            let e = expected.data[k], s = submitted.data[k]
            let error = abs(s - e)
            maxAbs = max(maxAbs, error)
            if e != 0 { maxRel = max(maxRel, error / abs(e)) }
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
        self.mismatches = listed
    }
}
