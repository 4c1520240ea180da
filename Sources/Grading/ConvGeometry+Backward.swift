import ConvEngine

/// Direct-loop convolution backward over a `ConvGeometry`: slow but index-explicit, so a mistaken index
/// map (another stride, a shifted padding, a rotated kernel, one sample only) is the same loop with
/// other numbers. The engine's fast kernels compute the true gradients; these compute the wrong ones.
extension ConvGeometry {
    /// dL/d(padded input), `[N, C, H + p_top + p_bottom, W + p_left + p_right]`:
    /// `dP[n, c(co,ci), s_h*i + d_h*ki, s_w*j + d_w*kj] += dZ[n, co, i, j] * W[co, ci, ki, kj]`.
    /// Positions past the padded input (possible under an altered stride) are dropped.
    func paddedInputGradient(upstream dZ: Tensor, weight: Tensor) -> Tensor {
        let (ph, pw) = (paddedH, paddedW)
        var out = [Double](repeating: 0, count: batch * inChannels * ph * pw)
        let (zh, zw) = (dZ.shape[2], dZ.shape[3])
        for n in 0..<batch {
            for co in 0..<outChannels {
                for i in 0..<zh {
                    for j in 0..<zw {
                        let g = dZ.data[((n * outChannels + co) * zh + i) * zw + j]
                        if g == 0 { continue }
                        for ci in 0..<inChannelsPerGroup {
                            let c = inputChannel(co, ci)
                            for ki in 0..<kernelH {
                                let r = row(i, ki) + padTop
                                guard r >= 0 && r < ph else { continue }
                                for kj in 0..<kernelW {
                                    let q = col(j, kj) + padLeft
                                    guard q >= 0 && q < pw else { continue }
                                    let wv = weight.data[((co * inChannelsPerGroup + ci) * kernelH + ki) * kernelW + kj]
                                    out[((n * inChannels + c) * ph + r) * pw + q] += g * wv
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [batch, inChannels, ph, pw], data: out)
    }

    /// The input with this geometry's padding added as zeros, `[N, C, H + p_top + p_bottom, W + p_left + p_right]`.
    func zeroPadded(_ x: Tensor) -> Tensor {
        var out = Tensor(shape: [batch, inChannels, paddedH, paddedW])
        for nc in 0..<(batch * inChannels) {
            for h in 0..<inH {
                let from = (nc * inH + h) * inW
                let to = (nc * paddedH + h + padTop) * paddedW + padLeft
                out.data.replaceSubrange(to..<(to + inW), with: x.data[from..<(from + inW)])
            }
        }
        return out
    }

    /// Folds a padded-input gradient onto the input: zero padding is cropped, reflect/replicate/
    /// circular padding adds each padded position's gradient to the element it copies.
    func fold(_ padded: Tensor) -> Tensor {
        var out = Tensor(shape: [batch, inChannels, inH, inW])
        for nc in 0..<(batch * inChannels) {
            for r in 0..<paddedH {
                guard let h = sourceRow(r - padTop) else { continue }
                for q in 0..<paddedW {
                    guard let w = sourceCol(q - padLeft) else { continue }
                    out.data[(nc * inH + h) * inW + w] += padded.data[(nc * paddedH + r) * paddedW + q]
                }
            }
        }
        return out
    }

    /// The padded gradient cropped one window off: `dX'[h, w] = dP[h + p_top + dh, w + p_left + dw]`
    /// (0 where that falls outside), the "padding shifted by one" mistake.
    func crop(_ padded: Tensor, shiftH: Int, shiftW: Int) -> Tensor {
        var out = Tensor(shape: [batch, inChannels, inH, inW])
        for nc in 0..<(batch * inChannels) {
            for h in 0..<inH {
                let r = h + padTop + shiftH
                guard r >= 0 && r < paddedH else { continue }
                for w in 0..<inW {
                    let q = w + padLeft + shiftW
                    guard q >= 0 && q < paddedW else { continue }
                    out.data[(nc * inH + h) * inW + w] = padded.data[(nc * paddedH + r) * paddedW + q]
                }
            }
        }
        return out
    }

    /// dL/dX through weight `weight`.
    func inputGradient(upstream dZ: Tensor, weight: Tensor) -> Tensor {
        fold(paddedInputGradient(upstream: dZ, weight: weight))
    }

    /// `dW[co, ci, ki, kj] = sum over n, i, j of dZ[n, co, i, j] * X[n, c, row(i, ki), col(j, kj)]`,
    /// restricted to `samples` and, when given, to the one output `position`.
    func weightGradient(
        upstream dZ: Tensor, input x: Tensor, samples: Range<Int>? = nil, position: (Int, Int)? = nil
    ) -> Tensor {
        let (zh, zw) = (dZ.shape[2], dZ.shape[3])
        var out = [Double](repeating: 0, count: outChannels * inChannelsPerGroup * kernelH * kernelW)
        for n in samples ?? 0..<batch {
            for co in 0..<outChannels {
                for i in 0..<zh {
                    for j in 0..<zw {
                        if let p = position, p != (i, j) { continue }
                        let g = dZ.data[((n * outChannels + co) * zh + i) * zw + j]
                        if g == 0 { continue }
                        accumulateWeight(&out, g, x, n, co, i, j)
                    }
                }
            }
        }
        return Tensor(shape: [outChannels, inChannelsPerGroup, kernelH, kernelW], data: out)
    }

    private func accumulateWeight(
        _ out: inout [Double], _ g: Double, _ x: Tensor, _ n: Int, _ co: Int, _ i: Int, _ j: Int
    ) {
        for ci in 0..<inChannelsPerGroup {
            let base = (n * inChannels + inputChannel(co, ci)) * inH * inW
            for ki in 0..<kernelH {
                guard let h = sourceRow(row(i, ki)) else { continue }
                for kj in 0..<kernelW {
                    guard let w = sourceCol(col(j, kj)) else { continue }
                    out[((co * inChannelsPerGroup + ci) * kernelH + ki) * kernelW + kj] +=
                        g * x.data[base + h * inW + w]
                }
            }
        }
    }
}
