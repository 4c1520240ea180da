import Testing

@testable import ConvEngine

/// The im2col/GEMM conv against a direct seven-loop reference, with a tile budget small enough that
/// the output is processed in several row tiles, and batches split into several weight-gradient chunks.
@Suite struct ConvReferenceTests {
    /// Direct evaluation of the three conv formulas (zero padding only) — slow, obviously correct.
    struct DirectConv {
        let spec: Conv2d
        let x: Tensor
        let pad: ResolvedPadding
        let out: Pair

        init(_ spec: Conv2d, _ x: Tensor) throws {
            self.spec = spec
            self.x = x
            pad = try spec.spec.resolvedPadding()
            out = try spec.spec.outputSize(height: x.shape[2], width: x.shape[3])
        }

        /// Calls `body(n, o, i, j, xIndex, wIndex)` for every product of the forward sum that is not padding.
        func forEachTerm(_ body: (Int, Int, Int, Int, Int, Int) -> Void) {
            let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
            let (cOut, cg, kh, kw) = (
                spec.weight.shape[0], spec.weight.shape[1], spec.weight.shape[2], spec.weight.shape[3]
            )
            let og = cOut / spec.groups
            for b in 0..<n {
                for o in 0..<cOut {
                    for i in 0..<out.h {
                        for j in 0..<out.w {
                            for ci in 0..<cg {
                                for p in 0..<kh {
                                    for q in 0..<kw {
                                        let ih = i * spec.stride.h - pad.top + p * spec.dilation.h
                                        let iw = j * spec.stride.w - pad.left + q * spec.dilation.w
                                        guard ih >= 0, ih < h, iw >= 0, iw < w else { continue }
                                        let channel = (o / og) * cg + ci
                                        body(
                                            b, o, i, j, ((b * c + channel) * h + ih) * w + iw,
                                            ((o * cg + ci) * kh + p) * kw + q)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        func outputIndex(_ b: Int, _ o: Int, _ i: Int, _ j: Int) -> Int {
            ((b * spec.weight.shape[0] + o) * out.h + i) * out.w + j
        }

        func forward() -> [Double] {
            var y = [Double](repeating: 0, count: x.shape[0] * spec.weight.shape[0] * out.h * out.w)
            forEachTerm { b, o, i, j, xi, wi in y[outputIndex(b, o, i, j)] += spec.weight.data[wi] * x.data[xi] }
            return y
        }

        func gradients(_ dy: Tensor) -> (input: [Double], weight: [Double]) {
            var dx = [Double](repeating: 0, count: x.count)
            var dw = [Double](repeating: 0, count: spec.weight.count)
            forEachTerm { b, o, i, j, xi, wi in
                let g = dy.data[outputIndex(b, o, i, j)]
                dx[xi] += g * spec.weight.data[wi]
                dw[wi] += g * x.data[xi]
            }
            return (dx, dw)
        }
    }

    @Test(arguments: [
        // (N, C_in, H, W, C_out, k, stride, padding, dilation, groups)
        [3, 8, 14, 12, 4, 3, 1, 1, 1, 1],
        [9, 4, 19, 17, 6, 3, 2, 2, 2, 2],
        [2, 6, 21, 13, 6, 5, 1, 0, 1, 6],
        [1, 8, 40, 40, 16, 3, 1, 1, 1, 2],  // one image: (group, tile) items run in parallel
    ])
    func tiledConvMatchesDirectEvaluation(_ c: [Int]) throws {
        var rng = CaseGenerator(seed: UInt64(c.reduce(0, +)))
        let spec = Conv2d(
            weight: rng.tensor([c[4], c[1] / c[9], c[5], c[5]]), stride: Pair(c[6]), padding: .explicit(Pair(c[7])),
            dilation: Pair(c[8]), groups: c[9])
        let x = rng.tensor([c[0], c[1], c[2], c[3]])
        var plan = try spec.spec.plan(inputShape: x.shape, LayerContext(index: 0, type: "conv2d"))
        plan.tileBudget = 600  // a few output rows per tile
        #expect(plan.tiles.count > 2, "the case should span several row tiles")
        let direct = try DirectConv(spec, x)
        let y = spec.forward(x, plan: plan)
        Closeness.expect(y, Tensor(shape: y.shape, data: direct.forward()), case: "\(c)", tensor: "output")
        let dy = rng.tensor(y.shape)
        let got = spec.backward(dy, input: x, output: y, saved: plan)
        let want = direct.gradients(dy)
        Closeness.expect(got.input, Tensor(shape: x.shape, data: want.input), case: "\(c)", tensor: "input gradient")
        Closeness.expect(
            got.weight, Tensor(shape: spec.weight.shape, data: want.weight), case: "\(c)", tensor: "weight gradient")
    }
}

/// A single image's passes (forward parallel over groups and tiles, backward over groups) give the
/// same bits as the same image inside a batch (one work item per image, serial within it).
@Test func singleImageForwardMatchesBatchedBitForBit() throws {
    var rng = CaseGenerator(seed: 52)
    let spec = Conv2d(
        weight: rng.tensor([16, 4, 3, 3]), bias: rng.tensor([16]), padding: .explicit(Pair(1)), groups: 2)
    let image = rng.tensor([1, 8, 64, 48])
    let batch = Tensor(shape: [2, 8, 64, 48], data: image.data + rng.tensor([8 * 64 * 48]).data)
    let alone = try spec.forward(image)
    let batched = try spec.forward(batch)
    #expect(alone.data.map(\.bitPattern) == batched.data.prefix(alone.count).map(\.bitPattern))
    // Backward: one image parallel over its groups, against the same image first in a batch.
    let dy = rng.tensor(alone.shape)
    let dyBatch = Tensor(shape: batched.shape, data: dy.data + rng.tensor([alone.count]).data)
    let dxAlone = spec.backward(input: image, gradOutput: dy).input
    let dxBatched = spec.backward(input: batch, gradOutput: dyBatch).input
    #expect(dxAlone.data.map(\.bitPattern) == dxBatched.data.prefix(dxAlone.count).map(\.bitPattern))
}

/// Mode padding over enough planes to run in parallel chunks: every padded element copies the input
/// element the PyTorch rule names, and fold is pad's adjoint (`<pad(x), y> == <x, fold(y)>`).
@Test(arguments: [PaddingMode.reflect, .replicate, .circular])
func modePaddingCopiesAndFoldsOverManyPlanes(mode: PaddingMode) throws {
    var rng = CaseGenerator(seed: 51)
    let spec = Conv2d(weight: rng.tensor([2, 40, 1, 1]), padding: .explicit(Pair(2, 3)), paddingMode: mode)
    let x = rng.tensor([64, 40, 5, 4])
    let plan = try spec.spec.plan(inputShape: x.shape, LayerContext(index: 0, type: "conv2d"))
    let padded = ModePadding.pad(x, plan)
    #expect(padded.shape == [64, 40, 9, 10])
    func source(_ j: Int, _ n: Int) -> Int {
        switch mode {
        case .reflect: return j < 0 ? -j : (j >= n ? 2 * (n - 1) - j : j)
        case .replicate: return min(max(j, 0), n - 1)
        default: return (j + n) % n
        }
    }
    for plane in [0, 1337, 2559] {
        for r in 0..<9 {
            for c in 0..<10 {
                let want = x.data[plane * 20 + source(r - 2, 5) * 4 + source(c - 3, 4)]
                #expect(padded.data[plane * 90 + r * 10 + c] == want, "plane \(plane) [\(r), \(c)]")
            }
        }
    }
    let y = rng.tensor(padded.shape)
    let folded = ModePadding.fold(y, plan)
    let lhs = Gradcheck.project(padded, y)
    let rhs = Gradcheck.project(x, folded)
    #expect(abs(lhs - rhs) <= 1e-9 * max(1, abs(lhs)), "adjoint: \(lhs) vs \(rhs)")
}
