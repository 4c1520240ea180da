import ConvEngine

/// The conv2d mistakes: rotated kernel, stride ignored or swapped, padding kept or shifted.
extension Solution {
    func convMistakes(_ k: Int, _ spec: Conv2dSpec) -> [Mistake] {
        let x = layerInput(k), dZ = upstream(k)
        let g = ConvGeometry(spec: spec, inputShape: x.shape)
        let name = "layer \"\(problem.layerNames[k])\""
        var found: [Mistake] = []
        if let dW = backward.parameterGradients[k].weight {
            found.append(Mistake(
                DiagnosisCode.kernelFlipped,
                "Your weight gradient of \(name) is the expected one rotated by 180 degrees: the forward pass is a cross-correlation (no kernel flip), so dL/dW[ki,kj] sums dL/dZ[i,j] * X[i+ki, j+kj] with no flip.",
                layer: k, own: [.weight(k): LazyTensor(shape: dW.shape) { dW.rotated180() }]))
        }
        found.append(Mistake(
            DiagnosisCode.kernelFlipped,
            "Your input gradient through \(name) uses the kernel rotated by 180 degrees: each dL/dZ[i,j] goes back to X[i+ki, j+kj] times W[ki,kj] of the same, unflipped kernel (a full convolution flips it exactly once).",
            layer: k, inputGradient: LazyTensor(shape: x.shape) {
                var rotated = spec
                rotated.weight = spec.weight.rotated180()
                return rotated.backward(input: x, gradOutput: dZ).input  // the engine's kernels, same geometry
            }))
        found += strideMistakes(k, g, name, x: x, dZ: dZ, weight: spec.weight)
        found += paddingMistakes(k, g, spec, name, x: x, dZ: dZ)
        return found
    }

    private func strideMistakes(_ k: Int, _ g: ConvGeometry, _ name: String, x: Tensor, dZ: Tensor, weight: Tensor) -> [Mistake] {
        var found: [Mistake] = []
        func reading(_ stride: Pair, _ code: String, _ message: String) {
            var altered = g
            altered.stride = stride
            found.append(Mistake(
                code, message, layer: k,
                inputGradient: LazyTensor(shape: x.shape) { altered.inputGradient(upstream: dZ, weight: weight) },
                own: [.weight(k): LazyTensor(shape: weight.shape) { altered.weightGradient(upstream: dZ, input: x) }]))
        }
        let s = g.stride
        if s != Pair(1) {
            reading(Pair(1), DiagnosisCode.strideIgnored,
                    "Your gradient ignores the stride of \(name) (stride \(s)): output position (i, j) reads the input at (\(s.h)i + ki, \(s.w)j + kj), not (i + ki, j + kj).")
        }
        if s.h != s.w {
            reading(Pair(s.w, s.h), DiagnosisCode.stridesSwapped,
                    "Your gradient swaps the row and column strides of \(name): rows step by \(s.h) and columns by \(s.w) (stride [\(s.h), \(s.w)] is [row, column]).")
        }
        return found
    }

    private func paddingMistakes(_ k: Int, _ g: ConvGeometry, _ spec: Conv2dSpec, _ name: String, x: Tensor, dZ: Tensor) -> [Mistake] {
        guard g.hasPadding else { return [] }
        let padded = LazyTensor(shape: [g.batch, g.inChannels, g.paddedH, g.paddedW]) {
            // dL/d(padded input): the same conv, unpadded, run by the engine on the padded input.
            var unpadded = spec
            unpadded.padding = .valid
            unpadded.paddingMode = .zeros
            return unpadded.backward(input: g.zeroPadded(x), gradOutput: dZ).input
        }
        let p = g.padTop == g.padLeft ? "p = \(g.padTop)" : "p = [\(g.padTop), \(g.padLeft)]"
        var found = [Mistake(
            DiagnosisCode.paddingNotCropped,
            "Your input gradient through \(name) still has the padding (\(g.paddedH)x\(g.paddedW) instead of \(g.inH)x\(g.inW)): drop the padded rows and columns (\(p)), they are not part of the input.",
            layer: k, inputGradient: padded)]
        guard g.mode == .zeros else { return found }
        for (dh, dw) in [(1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1)] {
            found.append(Mistake(
                DiagnosisCode.paddingShifted,
                "Your input gradient through \(name) is shifted by one row or column: padded position (h, w) is input element (h - \(g.padTop), w - \(g.padLeft)), so crop exactly the padding (\(p)) from each side.",
                layer: k, inputGradient: LazyTensor(shape: [g.batch, g.inChannels, g.inH, g.inW]) {
                    padded.value.map { g.crop($0.tensor, shiftH: dh, shiftW: dw) }
                }))
        }
        return found
    }
}
