import ConvEngine

/// The index map of one convolution: output position `(i, j)` with kernel offset `(ki, kj)` reads
/// the input at row `h = s_h*i + d_h*ki - p_top`, column `w = s_w*j + d_w*kj - p_left` (PyTorch's
/// PyTorch's cross-correlation). Rows outside `0..<H` lie in the padding.
///
/// The stride and padding offsets are plain values so a mistaken reading (stride ignored, strides
/// swapped, padding shifted) is the same map with other numbers.
struct ConvGeometry: Sendable, Equatable {
    var batch, inChannels, inH, inW: Int
    var outChannels, kernelH, kernelW, groups: Int
    var outH, outW: Int
    var stride: Pair
    var dilation: Pair
    /// Padding before the first row / column.
    var padTop, padLeft: Int
    /// Padding after the last row / column ("same" puts an odd extra one here).
    var padBottom, padRight: Int
    var mode: PaddingMode

    /// The geometry of `spec` applied to an input of full-rank shape `[N, C, H, W]`.
    init(spec: ConvSpec, inputShape: [Int]) {
        batch = inputShape[0]
        inChannels = inputShape[1]
        inH = inputShape[2]
        inW = inputShape[3]
        outChannels = spec.weight.shape[0]
        kernelH = spec.weight.shape[2]
        kernelW = spec.weight.shape[3]
        groups = spec.groups
        stride = spec.stride
        dilation = spec.dilation
        mode = spec.paddingMode
        // The engine resolves "same" (the odd extra after); the problem ran, so it resolves.
        let pad = (try? spec.resolvedPadding()) ?? ResolvedPadding(top: 0, bottom: 0, left: 0, right: 0)
        (padTop, padBottom, padLeft, padRight) = (pad.top, pad.bottom, pad.left, pad.right)
        let out = (try? spec.outputSize(height: inH, width: inW)) ?? Pair(0)  // the engine's formula
        (outH, outW) = (out.h, out.w)
    }

    var inChannelsPerGroup: Int { inChannels / max(groups, 1) }
    var outChannelsPerGroup: Int { outChannels / max(groups, 1) }
    var paddedH: Int { inH + padTop + padBottom }
    var paddedW: Int { inW + padLeft + padRight }
    var hasPadding: Bool { padTop + padBottom + padLeft + padRight > 0 }

    /// Input row (may lie in the padding) read by output row `i` at kernel row `ki`.
    @inline(__always) func row(_ i: Int, _ ki: Int) -> Int { stride.h * i + dilation.h * ki - padTop }
    /// Input column (may lie in the padding) read by output column `j` at kernel column `kj`.
    @inline(__always) func col(_ j: Int, _ kj: Int) -> Int { stride.w * j + dilation.w * kj - padLeft }

    /// The input channel that group-local channel `ci` of output channel `co` reads.
    @inline(__always) func inputChannel(_ co: Int, _ ci: Int) -> Int {
        (co / outChannelsPerGroup) * inChannelsPerGroup + ci
    }

    /// The input row a (possibly padded) row copies, or nil when it is zero padding or past the
    /// padded input: reflect mirrors without repeating the edge, replicate clamps, circular wraps.
    func sourceRow(_ h: Int) -> Int? { Self.source(h, size: inH, before: padTop, after: padBottom, mode: mode) }
    func sourceCol(_ w: Int) -> Int? { Self.source(w, size: inW, before: padLeft, after: padRight, mode: mode) }

    static func source(_ x: Int, size: Int, before: Int, after: Int, mode: PaddingMode) -> Int? {
        if x >= 0 && x < size { return x }
        guard x >= -before && x < size + after, size > 0 else { return nil }
        switch mode {
        case .zeros: return nil
        case .reflect: return x < 0 ? -x : 2 * (size - 1) - x
        case .replicate: return min(max(x, 0), size - 1)
        case .circular: return ((x % size) + size) % size
        }
    }
}
