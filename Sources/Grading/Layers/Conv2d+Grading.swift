import ConvEngine

/// conv2d in grading: the chain rule for its weight, bias and input elements, and the mistakes
/// students make in its backward pass (a rotated kernel, the stride ignored or swapped, the padding
/// kept or shifted, partial accumulation, a bias summed over the wrong axes).
extension Conv2d: GradedLayer, SmoothLayer {
    public func explainInput(in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation {
        solution.convInput(k, self, full, solution.inputLHS(k, full))
    }

    public func explainParameter(_ parameter: String, in solution: Solution, layer k: Int, _ full: [Int]) -> Explanation
    {
        parameter == "weight" ? solution.convWeight(k, self, full) : solution.convBias(k, full[0])
    }

    public func mistakes(in solution: Solution, layer k: Int) -> [Mistake] {
        solution.convMistakes(k, self) + solution.biasMistakes(k)
            + solution.accumulationMistakes(k) { samples, position in
                solution.convWeightGradient(k, self, samples: samples, position: position)
            }
    }
}

extension Solution {
    /// `dL/dW[co,ci,ki,kj] = sum over n,i,j of dL/dZ[n,co,i,j] * X[n,c,s_h*i+d_h*ki-p_top,s_w*j+d_w*kj-p_left]`;
    /// factors in zero padding are 0, in other padding modes the element they copy.
    fileprivate func convWeight(_ k: Int, _ spec: Conv2d, _ full: [Int]) -> Explanation {
        let x = layerInput(k)
        let dZ = upstream(k)
        let g = ConvGeometry(spec: spec.spec, inputShape: x.shape)
        let (co, ci, ki, kj) = (full[0], full[1], full[2], full[3])
        let c = g.inputChannel(co, ci)
        var terms: [ExplainTerm] = []
        for n in 0..<g.batch {
            for i in 0..<g.outH {
                for j in 0..<g.outW {
                    let up = ExplainFactor(of: problem.layerNames[k], index: [n, co, i, j], value: dZ[[n, co, i, j]])
                    terms.append(ExplainTerm(up, inputFactor(k, g, x, n, c, g.row(i, ki), g.col(j, kj))))
                }
            }
        }
        let hMap = Self.indexMap("i", stride: g.stride.h, offset: g.dilation.h * ki - g.padTop)
        let wMap = Self.indexMap("j", stride: g.stride.w, offset: g.dilation.w * kj - g.padLeft)
        let formula =
            "dL/dW[\(TensorIndex.text(weightIndex(k, full)))] = sum over n,i,j of dL/dZ[n,\(co),i,j] * X[n,\(c),\(hMap),\(wMap)]"
        let lhs = "dL/d" + Self.symbol("w", full, spec.weight.shape)
        return Explanation(
            of: "", index: [], value: 0, formula: formula,
            board: board(lhs, terms, up: "z", dZ.shape, local: "x", x.shape), terms: terms)
    }

    /// X[n, c, h, w] of layer `k`'s input, or the padding at (h, w).
    fileprivate func inputFactor(_ k: Int, _ g: ConvGeometry, _ x: Tensor, _ n: Int, _ c: Int, _ h: Int, _ w: Int)
        -> ExplainFactor
    {
        let name = inputName(k)
        let inside = h >= 0 && h < g.inH && w >= 0 && w < g.inW
        guard let sh = g.sourceRow(h), let sw = g.sourceCol(w) else {
            return ExplainFactor(
                of: name, index: inputIndex(k, [n, c, h, w]), value: 0, padding: true,
                formula: "zero padding")
        }
        let source = [n, c, sh, sw]
        return ExplainFactor(
            of: name, index: inputIndex(k, source), value: x[source], padding: !inside,
            formula: inside ? nil : "\(g.mode.rawValue) padding at (\(h), \(w)) copies this element")
    }

    fileprivate func convBias(_ k: Int, _ co: Int) -> Explanation {
        let dZ = upstream(k)
        var terms: [ExplainTerm] = []
        for n in 0..<dZ.shape[0] {
            for i in 0..<dZ.shape[2] {
                for j in 0..<dZ.shape[3] {
                    let up = ExplainFactor(of: problem.layerNames[k], index: [n, co, i, j], value: dZ[[n, co, i, j]])
                    terms.append(ExplainTerm(up, .constant(1)))
                }
            }
        }
        return Explanation(
            of: "", index: [], value: 0, formula: "dL/db[\(co)] = sum over n,i,j of dL/dZ[n,\(co),i,j]",
            board: board("dL/db\(co + 1)", terms, up: "z", dZ.shape, local: nil, []), terms: terms)
    }

    /// `dL/dX[n,c,h,w] = sum over co,ki,kj and i,j with s_h*i+d_h*ki-p_top -> h, s_w*j+d_w*kj-p_left -> w
    /// of dL/dZ[n,co,i,j] * W[co,ci,ki,kj]`; with reflect/replicate/circular padding a padded
    /// position that copies (h, w) counts too (its weight factor is flagged `padding`).
    fileprivate func convInput(_ m: Int, _ spec: Conv2d, _ full: [Int], _ lhs: String) -> Explanation {
        let x = layerInput(m)
        let dZ = upstream(m)
        let g = ConvGeometry(spec: spec.spec, inputShape: x.shape)
        let (n, c, h, w) = (full[0], full[1], full[2], full[3])
        let group = c / g.inChannelsPerGroup
        let ci = c % g.inChannelsPerGroup
        var terms: [ExplainTerm] = []
        for co in (group * g.outChannelsPerGroup)..<((group + 1) * g.outChannelsPerGroup) {
            for i in 0..<g.outH {
                for ki in 0..<g.kernelH where g.sourceRow(g.row(i, ki)) == h {
                    for j in 0..<g.outW {
                        for kj in 0..<g.kernelW where g.sourceCol(g.col(j, kj)) == w {
                            let viaPadding = g.row(i, ki) != h || g.col(j, kj) != w
                            let wIndex = [co, ci, ki, kj]
                            terms.append(
                                ExplainTerm(
                                    ExplainFactor(
                                        of: problem.layerNames[m], index: [n, co, i, j], value: dZ[[n, co, i, j]]),
                                    ExplainFactor(
                                        of: problem.name(of: .parameter(m, "weight")), index: weightIndex(m, wIndex),
                                        value: spec.weight[wIndex], padding: viaPadding,
                                        formula: viaPadding
                                            ? "through \(g.mode.rawValue) padding at (\(g.row(i, ki)), \(g.col(j, kj)))"
                                            : nil)))
                        }
                    }
                }
            }
        }
        let hMap = Self.indexMap("i", "ki", stride: g.stride.h, dilation: g.dilation.h, padding: g.padTop)
        let wMap = Self.indexMap("j", "kj", stride: g.stride.w, dilation: g.dilation.w, padding: g.padLeft)
        let formula =
            "dL/dX[\(TensorIndex.text(full))] = sum over co,i,j,ki,kj with \(hMap) = \(h) and \(wMap) = \(w) of dL/dZ[\(n),co,i,j] * W[co,\(ci),ki,kj]"
        return Explanation(
            of: "", index: [], value: 0, formula: formula,
            board: board(lhs, terms, up: "z", dZ.shape, local: "w", spec.weight.shape), terms: terms)
    }

    func convMistakes(_ k: Int, _ spec: Conv2d) -> [Mistake] {
        let x = layerInput(k)
        let dZ = upstream(k)
        let g = ConvGeometry(spec: spec.spec, inputShape: x.shape)
        let name = "layer \"\(problem.layerNames[k])\""
        var found: [Mistake] = []
        if let dW = parameterGradient(k, "weight") {
            found.append(
                Mistake(
                    DiagnosisCode.kernelFlipped,
                    "Your weight gradient of \(name) is the expected one rotated by 180 degrees: the forward pass is a cross-correlation (no kernel flip), so dL/dW[ki,kj] sums dL/dZ[i,j] * X[i+ki, j+kj] with no flip.",
                    layer: k, own: [.parameter(k, "weight"): LazyTensor(shape: dW.shape) { dW.rotated180() }]))
        }
        found.append(
            Mistake(
                DiagnosisCode.kernelFlipped,
                "Your input gradient through \(name) uses the kernel rotated by 180 degrees: each dL/dZ[i,j] goes back to X[i+ki, j+kj] times W[ki,kj] of the same, unflipped kernel (a full convolution flips it exactly once).",
                layer: k,
                inputGradient: LazyTensor(shape: x.shape) {
                    var rotated = spec
                    rotated.weight = spec.weight.rotated180()
                    return rotated.gradients(input: x, gradOutput: dZ).input  // the engine's kernels, same geometry
                }))
        found += strideMistakes(k, g, name, x: x, dZ: dZ, weight: spec.weight)
        found += paddingMistakes(k, g, spec, name, x: x, dZ: dZ)
        return found
    }

    fileprivate func strideMistakes(_ k: Int, _ g: ConvGeometry, _ name: String, x: Tensor, dZ: Tensor, weight: Tensor)
        -> [Mistake]
    {
        var found: [Mistake] = []
        func reading(_ stride: Pair, _ code: DiagnosisCode, _ message: String) {
            var altered = g
            altered.stride = stride
            found.append(
                Mistake(
                    code, message, layer: k,
                    inputGradient: LazyTensor(shape: x.shape) { altered.inputGradient(upstream: dZ, weight: weight) },
                    own: [
                        .parameter(k, "weight"): LazyTensor(shape: weight.shape) {
                            altered.weightGradient(upstream: dZ, input: x)
                        }
                    ]))
        }
        let s = g.stride
        if s != Pair(1) {
            reading(
                Pair(1), DiagnosisCode.strideIgnored,
                "Your gradient ignores the stride of \(name) (stride \(s)): output position (i, j) reads the input at (\(s.h)i + ki, \(s.w)j + kj), not (i + ki, j + kj)."
            )
        }
        if s.h != s.w {
            reading(
                Pair(s.w, s.h), DiagnosisCode.stridesSwapped,
                "Your gradient swaps the row and column strides of \(name): rows step by \(s.h) and columns by \(s.w) (stride [\(s.h), \(s.w)] is [row, column])."
            )
        }
        return found
    }

    fileprivate func paddingMistakes(_ k: Int, _ g: ConvGeometry, _ spec: Conv2d, _ name: String, x: Tensor, dZ: Tensor)
        -> [Mistake]
    {
        guard g.hasPadding else { return [] }
        let padded = LazyTensor(shape: [g.batch, g.inChannels, g.paddedH, g.paddedW]) {
            // dL/d(padded input): the same conv, unpadded, run by the engine on the padded input.
            var unpadded = spec
            unpadded.padding = .valid
            unpadded.paddingMode = .zeros
            return unpadded.gradients(input: g.zeroPadded(x), gradOutput: dZ).input
        }
        let p = g.padTop == g.padLeft ? "p = \(g.padTop)" : "p = [\(g.padTop), \(g.padLeft)]"
        var found = [
            Mistake(
                DiagnosisCode.paddingNotCropped,
                "Your input gradient through \(name) still has the padding (\(g.paddedH)x\(g.paddedW) instead of \(g.inH)x\(g.inW)): drop the padded rows and columns (\(p)), they are not part of the input.",
                layer: k, inputGradient: padded)
        ]
        guard g.mode == .zeros else { return found }
        for (dh, dw) in [(1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1)] {
            found.append(
                Mistake(
                    DiagnosisCode.paddingShifted,
                    "Your input gradient through \(name) is shifted by one row or column: padded position (h, w) is input element (h - \(g.padTop), w - \(g.padLeft)), so crop exactly the padding (\(p)) from each side.",
                    layer: k,
                    inputGradient: LazyTensor(shape: [g.batch, g.inChannels, g.inH, g.inW]) {
                        padded.value.map { g.crop($0.tensor, shiftH: dh, shiftW: dw) }
                    }))
        }
        return found
    }

    /// A weight gradient restricted to some samples and, when given, one output position.
    fileprivate func convWeightGradient(_ k: Int, _ conv: Conv2d, samples: Range<Int>, position: (Int, Int)?) -> Tensor
    {
        let x = layerInput(k)
        let dZ = upstream(k)
        guard position == nil else {
            return ConvGeometry(spec: conv.spec, inputShape: x.shape)
                .weightGradient(upstream: dZ, input: x, samples: samples, position: position)
        }
        // Whole samples: the engine's kernels on the slice.
        return conv.gradients(input: x.samples(samples), gradOutput: dZ.samples(samples)).parameters[0].tensor
    }
}

extension DiagnosisCode {
    public static let kernelFlipped = DiagnosisCode(rawValue: "kernel_flipped")
    public static let strideIgnored = DiagnosisCode(rawValue: "stride_ignored")
    public static let stridesSwapped = DiagnosisCode(rawValue: "strides_swapped")
    public static let paddingNotCropped = DiagnosisCode(rawValue: "padding_not_cropped")
    public static let paddingShifted = DiagnosisCode(rawValue: "padding_shifted")
}

// MARK: - Readings for the diagnosis search (Search/DiagnosisSearch.swift)

/// conv2d read with primitive errors: dL/dY or the input flipped (a convolution where the forward
/// pass correlates), the kernel flipped, and the part of the full convolution an input gradient
/// keeps ('valid', 'same' with its odd extra row at either end, 'full'), alone and in pairs.
/// The single readings Conv2d+Grading.swift already declares (kernel flipped, padding not cropped
/// or shifted) are not repeated; a crop one row or column off is added where it has no padding.
extension Conv2d: SearchableLayer {
    func readings(in solution: Solution, layer k: Int) -> [Mistake] {
        let reader = ConvReader(solution: solution, layer: k, spec: self)
        return reader.weightReadings() + reader.inputReadings() + reader.dilationReadings()
    }
}

/// The readings of one conv layer, over its geometry.
private struct ConvReader {
    let solution: Solution
    let layer: Int
    let spec: Conv2d
    let x: Tensor, dZ: Tensor
    let g: ConvGeometry
    let name: String

    init(solution: Solution, layer: Int, spec: Conv2d) {
        self.solution = solution
        self.layer = layer
        self.spec = spec
        x = solution.layerInput(layer)
        dZ = solution.upstream(layer)
        g = ConvGeometry(spec: spec.spec, inputShape: x.shape)
        name = "layer \"\(solution.problem.layerNames[layer])\""
    }

    // MARK: weight gradient

    /// dL/dY flipped, X flipped; with padding, the unpadded input alone and with dL/dY flipped.
    func weightReadings() -> [Mistake] {
        guard let dW = solution.parameterGradient(layer, "weight") else { return [] }
        let target = GradientTarget.parameter(layer, "weight")
        let (x, dZ, spec) = (x, dZ, spec)
        // The engine's kernels on flipped operands, same geometry.
        var found = [
            Mistake(
                [.upstreamFlipped(name, weight: true)], layer: layer,
                own: [
                    target: LazyTensor(shape: dW.shape) {
                        spec.gradients(input: x, gradOutput: dZ.rotated180()).parameters[0].tensor
                    }
                ]),
            Mistake(
                [.inputFlipped(name)], layer: layer,
                own: [
                    target: LazyTensor(shape: dW.shape) {
                        spec.gradients(input: x.rotated180(), gradOutput: dZ).parameters[0].tensor
                    }
                ]),
        ]
        if let unpadded = unpaddedWeightGeometry() {
            let shape = [g.outChannels, g.inChannelsPerGroup, unpadded.kernelH, unpadded.kernelW]
            let padding = "[\(g.padTop), \(g.padBottom), \(g.padLeft), \(g.padRight)] (top, bottom, left, right)"
            found.append(
                Mistake(
                    [.paddingIgnored(name, padding: padding)], layer: layer,
                    own: [target: LazyTensor(shape: shape) { unpadded.weightGradient(upstream: dZ, input: x) }]))
            found.append(
                Mistake(
                    [.paddingIgnored(name, padding: padding), .upstreamFlipped(name, weight: true)], layer: layer,
                    own: [
                        target: LazyTensor(shape: shape) {
                            unpadded.weightGradient(upstream: dZ.rotated180(), input: x)
                        }
                    ]))
        }
        return found
    }

    /// The geometry of a weight gradient read off the unpadded input: the kernel extent that makes a
    /// 'valid' correlation of X with dL/dY, `(H - 1 - s_h*(H_out - 1)) / d_h + 1`; nil without zero padding.
    private func unpaddedWeightGeometry() -> ConvGeometry? {
        guard g.hasPadding, g.mode == .zeros else { return nil }
        func extent(_ size: Int, _ out: Int, _ s: Int, _ d: Int) -> Int? {
            let span = size - 1 - s * (out - 1)
            return span >= 0 && span % d == 0 ? span / d + 1 : nil
        }
        guard let kh = extent(g.inH, g.outH, g.stride.h, g.dilation.h),
            let kw = extent(g.inW, g.outW, g.stride.w, g.dilation.w),
            (kh, kw) != (g.kernelH, g.kernelW)
        else { return nil }
        var unpadded = g
        (unpadded.padTop, unpadded.padBottom, unpadded.padLeft, unpadded.padRight) = (0, 0, 0, 0)
        (unpadded.kernelH, unpadded.kernelW) = (kh, kw)
        return unpadded
    }

    /// The dilation ignored (read as 1) in the weight and the input gradient.
    func dilationReadings() -> [Mistake] {
        guard g.dilation != Pair(1), let dW = solution.parameterGradient(layer, "weight") else { return [] }
        var altered = g
        altered.dilation = Pair(1)
        let (x, dZ, weight) = (x, dZ, spec.weight)
        let primitive = Primitive(
            code: .dilationIgnored,
            message:
                "Your gradient ignores the dilation of \(name) (dilation \(g.dilation)): kernel offset (ki, kj) reads the input at (\(g.dilation.h)ki, \(g.dilation.w)kj) from the window's corner, not (ki, kj)."
        )
        return [
            Mistake(
                [primitive], layer: layer,
                inputGradient: LazyTensor(shape: x.shape) { altered.inputGradient(upstream: dZ, weight: weight) },
                own: [
                    .parameter(layer, "weight"): LazyTensor(shape: dW.shape) {
                        altered.weightGradient(upstream: dZ, input: x)
                    }
                ])
        ]
    }

    // MARK: input gradient

    /// dL/dY flipped (cropped right); the convolution cropped 'same' or 'valid'; each crop (and the
    /// uncropped 'full') with dL/dY or the kernel flipped too.
    func inputReadings() -> [Mistake] {
        let (x, dZ, spec) = (x, dZ, spec)
        let plain = padded(kernel: spec.weight, upstream: dZ)
        let upFlipped = padded(kernel: spec.weight, upstream: dZ.rotated180())
        let kernelFlipped = padded(kernel: spec.weight.rotated180(), upstream: dZ)
        var found = [
            Mistake(
                [.upstreamFlipped(name, weight: false)], layer: layer,
                inputGradient: LazyTensor(shape: x.shape) {
                    spec.gradients(input: x, gradOutput: dZ.rotated180()).input
                })
        ]
        let crops = cropWindows()
        for crop in crops where !crop.isFull { found.append(reading([paddingMode(crop)], plain, crop)) }
        for crop in crops {
            found.append(reading([.upstreamFlipped(name, weight: false), paddingMode(crop)], upFlipped, crop))
            found.append(reading([.kernelFlipped(name), paddingMode(crop)], kernelFlipped, crop))
        }
        return found + shiftReadings(plain)
    }

    /// The right crop one row and/or column off, where Conv2d+Grading.swift's `padding_shifted` does
    /// not already cover it (no padding): an off-by-one index into the full convolution.
    private func shiftReadings(_ plain: LazyTensor) -> [Mistake] {
        guard !g.hasPadding else { return [] }  // with padding: padding_shifted (zeros) or a fold (other modes)
        let primitive = Primitive(
            code: .paddingShifted,
            message:
                "Your input gradient through \(name) is shifted by one row or column: dL/dX[h, w] is the full convolution's element (h + \(g.padTop), w + \(g.padLeft)); check the off-by-one in your indices."
        )
        return [(1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1)].map { dh, dw in
            let crop = CropWindow(
                mode: "shifted", top: g.padTop + dh, left: g.padLeft + dw, height: g.inH, width: g.inW)
            return reading([primitive], plain, crop)
        }
    }

    /// dL/d(zero-padded input) through `kernel` from `upstream`: the engine's kernels on the padded
    /// input with no padding of their own (as Conv2d+Grading.swift's padding mistakes compute it).
    private func padded(kernel: Tensor, upstream: Tensor) -> LazyTensor {
        let (x, g) = (x, g)
        var unpadded = spec
        unpadded.padding = .valid
        unpadded.paddingMode = .zeros
        unpadded.weight = kernel
        return LazyTensor(shape: paddedShape) { unpadded.gradients(input: g.zeroPadded(x), gradOutput: upstream).input }
    }

    private var paddedShape: [Int] { [g.batch, g.inChannels, g.paddedH, g.paddedW] }

    private func reading(_ primitives: [Primitive], _ padded: LazyTensor, _ crop: CropWindow) -> Mistake {
        Mistake(
            primitives, layer: layer,
            inputGradient: LazyTensor(shape: crop.shape(g)) { padded.value.map { crop.apply($0.tensor) } })
    }

    /// The windows of the full convolution a student keeps by mistake: 'same' (size H_out, its odd
    /// extra row cut at the end or at the start), 'valid' (size P - 2*(extent - 1)) and 'full' (all of
    /// it, P = the padded size), each left out where it is the right crop.
    private func cropWindows() -> [CropWindow] {
        let eh = g.dilation.h * (g.kernelH - 1) + 1
        let ew = g.dilation.w * (g.kernelW - 1) + 1
        var windows = [
            CropWindow(mode: "same", top: (eh - 1) / 2, left: (ew - 1) / 2, height: g.outH, width: g.outW),
            CropWindow(mode: "same", top: eh / 2, left: ew / 2, height: g.outH, width: g.outW),
            CropWindow(
                mode: "valid", top: eh - 1, left: ew - 1, height: g.paddedH - 2 * (eh - 1),
                width: g.paddedW - 2 * (ew - 1)),
            CropWindow(mode: "full", top: 0, left: 0, height: g.paddedH, width: g.paddedW),
        ]
        let right = CropWindow(mode: "", top: g.padTop, left: g.padLeft, height: g.inH, width: g.inW)
        var kept: [CropWindow] = []
        for window in windows where window.height > 0 && window.width > 0 && !window.sameWindow(right) {
            if !kept.contains(where: { $0.sameWindow(window) }) { kept.append(window) }  // an odd kernel has one 'same'
        }
        windows = kept
        for i in windows.indices { windows[i].isFull = windows[i].mode == "full" }
        return windows
    }

    private func paddingMode(_ crop: CropWindow) -> Primitive {
        var detail = ""
        if crop.mode == "same", (g.paddedH - g.outH) % 2 == 1 || (g.paddedW - g.outW) % 2 == 1 {
            detail =
                crop.top == (g.paddedH - g.outH) / 2
                ? ", its odd extra row and column cut at the end" : ", its odd extra row and column cut at the start"
        }
        let right =
            g.hasPadding
            ? "dL/dX is its 'full' result with the padding cropped off (\(g.padTop) rows and \(g.padLeft) columns before), \(g.inH)x\(g.inW) like X"
            : "dL/dX is its 'full' result, \(g.inH)x\(g.inW) like X (e.g. scipy.signal.convolve2d(dy, w, \"full\"))"
        return .paddingMode(name, mode: crop.mode, detail: detail, kept: [crop.height, crop.width], right: right)
    }
}

/// A window of the last two axes of a padded input gradient.
private struct CropWindow {
    var mode: String
    var top, left, height, width: Int
    var isFull = false

    func sameWindow(_ other: CropWindow) -> Bool {
        (top, left, height, width) == (other.top, other.left, other.height, other.width)
    }

    func shape(_ g: ConvGeometry) -> [Int] { [g.batch, g.inChannels, height, width] }

    /// Rows `top ..< top + height`, columns `left ..< left + width` of every plane.
    func apply(_ padded: Tensor) -> Tensor {
        let (ph, pw) = (padded.shape[2], padded.shape[3])
        let planes = padded.shape[0] * padded.shape[1]
        var out = Tensor(shape: [padded.shape[0], padded.shape[1], height, width])
        for p in 0..<planes {
            for r in 0..<height where top + r >= 0 && top + r < ph {
                for q in 0..<width where left + q >= 0 && left + q < pw {
                    out.data[(p * height + r) * width + q] = padded.data[(p * ph + top + r) * pw + left + q]
                }
            }
        }
        return out
    }
}
