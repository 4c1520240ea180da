import ConvEngine

/// One primitive error: a small transformation of one step of the correct computation, with the
/// sentence that tells a student about it. A diagnosis is one primitive or a combination of them
/// (issue 16); the 13 mistakes the layers declare (Grading/Layers/) are primitives with their own
/// codes, the ones below are the search's (Search/DiagnosisSearch.swift).
///
/// The primitives, by family:
/// - operand flipped: the kernel (`kernel_flipped`), dL/dY (`upstream_flipped`) or the input
///   (`input_flipped`) rotated by 180 degrees: a convolution where the forward pass correlates;
/// - padding mode: 'valid', 'same' (odd extra row before or after) or 'full' where another belongs
///   (`padding_mode`; `padding_not_cropped`, `padding_shifted` of the conv layer's grading file);
/// - axes: transposed or permuted (`transposed`, `axes_permuted`), not reshaped back (`not_reshaped`);
/// - reductions: over the batch added or left out (`batch_summed`, `batch_axis_missing`), over other
///   axes (`bias_wrong_axes`), partial accumulation (`partial_accumulation`), a mean's 1/N
///   (`constant_factor`);
/// - a constant factor or a sign (`constant_factor`, `wrong_sign`);
/// - stride ignored or swapped (`stride_ignored`, `strides_swapped`), dilation ignored (`dilation_ignored`);
/// - an off-by-one shift of the crop (`padding_shifted`, with padding or without);
/// - gradient routed to the wrong element (`maxpool_spread`; the last maximum on a tie, `maxpool_tie_routing`);
/// - an activation's derivative taken at the wrong place (`relu_mask_wrong`), the chain broken at
///   one layer (`relu_mask_wrong`'s unmasked reading, `flatten_order`).
struct Primitive: Sendable, Equatable {
    var code: DiagnosisCode
    /// One or more sentences; a combination's message is its primitives' sentences in order.
    var message: String

    /// The first primitive's code and every sentence; each primitive's code in `causes` when more than one.
    static func diagnosis(_ primitives: [Primitive]) -> Diagnosis {
        var diagnosis = Diagnosis(
            code: primitives[0].code, message: primitives.map(\.message).joined(separator: " Also: "))
        if primitives.count > 1 { diagnosis.causes = primitives.map(\.code) }
        return diagnosis
    }
}

extension DiagnosisCode {
    public static let upstreamFlipped = DiagnosisCode(rawValue: "upstream_flipped")
    public static let inputFlipped = DiagnosisCode(rawValue: "input_flipped")
    public static let paddingMode = DiagnosisCode(rawValue: "padding_mode")
    public static let notReshaped = DiagnosisCode(rawValue: "not_reshaped")
    public static let batchSummed = DiagnosisCode(rawValue: "batch_summed")
    public static let batchAxisMissing = DiagnosisCode(rawValue: "batch_axis_missing")
    public static let dilationIgnored = DiagnosisCode(rawValue: "dilation_ignored")
}

extension Primitive {
    /// dL/dY rotated by 180 degrees in a weight or input gradient: a true convolution with it.
    static func upstreamFlipped(_ layer: String, weight: Bool) -> Primitive {
        Primitive(
            code: .upstreamFlipped,
            message: weight
                ? "You convolved where the forward pass correlates: dL/dY is flipped in your weight gradient of \(layer) (dL/dW is the valid cross-correlation of X with dL/dY, e.g. scipy.signal.correlate2d(x, dy, \"valid\"), not convolve2d)."
                : "Your input gradient through \(layer) uses dL/dY rotated by 180 degrees: dL/dX is the full convolution of dL/dY, unflipped, with the kernel."
        )
    }

    /// X rotated by 180 degrees in a weight gradient.
    static func inputFlipped(_ layer: String) -> Primitive {
        Primitive(
            code: .inputFlipped,
            message:
                "Your weight gradient of \(layer) reads the layer's input rotated by 180 degrees: dL/dW[ki,kj] sums dL/dZ[i,j] * X[i+ki, j+kj], X unflipped."
        )
    }

    /// The kernel rotated in an input gradient that is combined with another primitive.
    static func kernelFlipped(_ layer: String) -> Primitive {
        Primitive(
            code: .kernelFlipped,
            message:
                "Your input gradient through \(layer) flips the kernel twice (or not at all): the full convolution of dL/dY with the kernel flips it exactly once, e.g. scipy.signal.convolve2d(dy, w, \"full\") or correlate2d(dy, rot180(w), \"full\")."
        )
    }

    /// The part of the full convolution an input gradient keeps, named as scipy's mode.
    static func paddingMode(_ layer: String, mode: String, detail: String, kept: [Int], right: String) -> Primitive {
        Primitive(
            code: .paddingMode,
            message:
                "Your input gradient through \(layer) keeps the '\(mode)' part (\(kept[0])x\(kept[1])\(detail)) of the convolution of dL/dY with the kernel; \(right)."
        )
    }

    /// The weight gradient correlated with the unpadded input.
    static func paddingIgnored(_ layer: String, padding: String) -> Primitive {
        Primitive(
            code: .paddingMode,
            message:
                "Your weight gradient of \(layer) correlates dL/dY with the unpadded input: the forward pass pads it (\(padding)), so correlate the padded input with dL/dY ('valid'), which gives the kernel's shape."
        )
    }
}
