/// reflect / replicate / circular padding, materialised as PyTorch's conv modules do with F.pad before a
/// conv with no padding; the backward pass folds the padded input's gradient back, accumulating
/// every copy into the element it was copied from. Planes are independent, so both run in parallel
/// over planes with the same result.
enum ModePadding {
    /// For each padded coordinate along one axis, the input coordinate it copies
    /// (`j = i - before`): reflect `-j` / `2(n-1) - j`, replicate `clamp(j, 0, n-1)`, circular `j mod n`.
    static func sourceIndices(size n: Int, before: Int, after: Int, mode: PaddingMode) -> [Int] {
        (0..<(n + before + after)).map { i in
            let j = i - before
            switch mode {
            case .zeros, .replicate: return min(max(j, 0), n - 1)
            case .reflect: return j < 0 ? -j : (j >= n ? 2 * (n - 1) - j : j)
            case .circular: return ((j % n) + n) % n
            }
        }
    }

    /// The padded input `(N, C, H + top + bottom, W + left + right)` of a non-zero padding mode.
    static func pad(_ x: Tensor, _ p: ConvPlan) -> Tensor {
        let (rows, cols) = tables(p)
        let planes = p.batch * p.inChannels
        var out = [Double](repeating: 0, count: planes * p.inPlane)
        x.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let (source, target) = (src.baseAddress!, dst.baseAddress!)
                Parallel.forEachChunk(total: planes, grain: Self.grain(p)) { chunk in
                    for plane in chunk {
                        var d = target + plane * p.inPlane
                        for r in rows {
                            let row = source + plane * p.inputHeight * p.inputWidth + r * p.inputWidth
                            for c in cols {
                                d.pointee = row[c]
                                d += 1
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [p.batch, p.inChannels, p.height, p.width], data: out)
    }

    /// The gradient of the unpadded input, `(N, C, H, W)`: every padded element's gradient added to
    /// its source, in row-major order of the padded input.
    static func fold(_ paddedGradient: Tensor, _ p: ConvPlan) -> Tensor {
        let (rows, cols) = tables(p)
        let planes = p.batch * p.inChannels
        let inputPlane = p.inputHeight * p.inputWidth
        var out = [Double](repeating: 0, count: planes * inputPlane)
        paddedGradient.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let (source, target) = (src.baseAddress!, dst.baseAddress!)
                Parallel.forEachChunk(total: planes, grain: Self.grain(p)) { chunk in
                    for plane in chunk {
                        var s = source + plane * p.inPlane
                        for r in rows {
                            let row = target + plane * inputPlane + r * p.inputWidth
                            for c in cols {
                                row[c] += s.pointee
                                s += 1
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [p.batch, p.inChannels, p.inputHeight, p.inputWidth], data: out)
    }

    /// Planes per parallel chunk: about 64K copied elements.
    private static func grain(_ p: ConvPlan) -> Int {
        max(1, 65_536 / max(p.inPlane, 1))
    }

    private static func tables(_ p: ConvPlan) -> (rows: [Int], cols: [Int]) {
        let pad = p.modePadding ?? ResolvedPadding(top: 0, bottom: 0, left: 0, right: 0)
        return (
            sourceIndices(size: p.inputHeight, before: pad.top, after: pad.bottom, mode: p.mode),
            sourceIndices(size: p.inputWidth, before: pad.left, after: pad.right, mode: p.mode)
        )
    }
}
