import TestSupport
import Testing

@testable import ConvEngine

// The implicit-GEMM lowering of the fused paths (Sources/ConvEngine/Kernels/ImplicitConv.swift)
// against the im2col lowering: forward bit for bit on the same path (same taps, same order,
// same k-slices); the gradients, whose reduction orders differ, within the contract's 1e-9
// relative of portable (which keeps im2col), avx512 and avx2 bit-identical to each other.

private let context = LayerContext(index: 0, type: "conv2d")

/// (N, C_in, H, W, C_out, kh, kw, stride, padding (-1: same), dilation, groups)
private let shapes: [[Int]] = [
    [3, 32, 16, 16, 32, 3, 3, 2, 1, 1, 1],  // cifar's second layer: stride 2
    [2, 8, 11, 13, 16, 3, 3, 1, 2, 2, 1],  // dilation 2
    [2, 16, 9, 9, 8, 3, 3, 1, 1, 1, 2],  // two groups of 8 input channels
    [2, 8, 10, 9, 12, 2, 4, 1, -1, 1, 1],  // 'same' with even kernels: asymmetric padding
    [2, 8, 11, 11, 8, 2, 2, 3, 0, 1, 1],  // stride 3 > kernel: dx phases no tap reaches
    [2, 9, 7, 12, 5, 3, 1, 2, 1, 1, 1],  // odd sizes, stride 2, 3×1 kernel
    [2, 8, 9, 11, 8, 3, 3, 2, 1, 1, 1],  // stride 2 across an odd width: dx's column phases 6 and 5 wide
]

private func conv(_ c: [Int], _ rng: inout CaseGenerator, bias: Bool = true) -> Conv2d {
    Conv2d(
        weight: rng.tensor([c[4], c[1] / c[10], c[5], c[6]]), bias: bias ? rng.tensor([c[4]]) : nil,
        stride: Pair(c[7]), padding: c[8] < 0 ? .same : .explicit(Pair(c[8])), dilation: Pair(c[9]),
        groups: c[10])
}

@Test(arguments: shapes)
func implicitConv_runsForTheseShapes(_ c: [Int]) throws {
    var rng = CaseGenerator(seed: 1)
    let p = try conv(c, &rng).spec.plan(inputShape: [c[0], c[1], c[2], c[3]], context)
    for path in KernelPath.supported {
        #expect(ImplicitConv.applies(p, kernel: path) == path.fusesMultiplyAdd, "\(c) on \(path)")
    }
}

@Test(arguments: shapes)
func implicitForward_bitIdenticalToIm2colPerImage(_ c: [Int]) throws {
    var rng = CaseGenerator(seed: UInt64(c.reduce(3, +)))
    let layer = conv(c, &rng)
    let x = rng.tensor([c[0], c[1], c[2], c[3]])
    let p = try layer.spec.plan(inputShape: x.shape, context)
    let single = try layer.spec.plan(inputShape: [1, c[1], c[2], c[3]], context)
    for path in KernelPath.supported where path.fusesMultiplyAdd {
        KernelPath.$override.withValue(path) {
            let y = ConvKernels.forward(x, weight: layer.weight, bias: layer.bias, p)
            let imageSize = c[1] * c[2] * c[3]
            for n in 0..<c[0] {
                let image = Tensor(
                    shape: [1, c[1], c[2], c[3]], data: Array(x.data[(n * imageSize)..<((n + 1) * imageSize)]))
                // A batch of one keeps the im2col lowering (ImplicitConv.applies).
                let want = ConvKernels.forward(image, weight: layer.weight, bias: layer.bias, single)
                let got = y.data[(n * want.count)..<((n + 1) * want.count)]
                #expect(got.map(\.bitPattern) == want.data.map(\.bitPattern), "\(c) \(path) image \(n)")
            }
        }
    }
}

@Test(arguments: shapes)
func implicitGradients_fusedPathsBitIdenticalAndWithin1e9OfPortable(_ c: [Int]) throws {
    var rng = CaseGenerator(seed: UInt64(c.reduce(5, +)))
    let layer = conv(c, &rng, bias: false)
    let x = rng.tensor([c[0], c[1], c[2], c[3]])
    let p = try layer.spec.plan(inputShape: x.shape, context)
    let dy = rng.tensor(p.outputShape)
    let results = KernelPath.supported.map { path in
        (
            path,
            KernelPath.$override.withValue(path) { ConvKernels.backward(x, weight: layer.weight, gradOutput: dy, p) }
        )
    }
    let portable = results.first { $0.0 == .portable }!.1
    let fused = results.filter { $0.0.fusesMultiplyAdd }
    for (path, grads) in fused {
        Closeness.expect(grads.input, portable.input, case: "\(c) \(path)", tensor: "input gradient")
        Closeness.expect(grads.weight, portable.weight, case: "\(c) \(path)", tensor: "weight gradient")
        #expect(grads.input.data.map(\.bitPattern) == fused[0].1.input.data.map(\.bitPattern), "\(c) \(path) dx")
        #expect(grads.weight.data.map(\.bitPattern) == fused[0].1.weight.data.map(\.bitPattern), "\(c) \(path) dW")
    }
}

/// An infinite input element that only the discarded padded-width columns read (the last
/// column, for tap j = 0): the implicit weight gradient would multiply it by a zero (NaN), so the
/// im2col lowering reruns and its result comes back bit for bit.
@Test func implicitWeightGradient_nonFiniteInputFallsBackToIm2col() throws {
    var rng = CaseGenerator(seed: 11)
    let c = [2, 8, 6, 6, 8, 3, 3, 1, 1, 1, 1]
    let layer = conv(c, &rng, bias: false)
    var x = rng.tensor([c[0], c[1], c[2], c[3]])
    x.data[5] = .infinity  // image 0, channel 0, row 0, last column
    let p = try layer.spec.plan(inputShape: x.shape, context)
    let dy = rng.tensor(p.outputShape)
    for path in KernelPath.supported where path.fusesMultiplyAdd {
        KernelPath.$override.withValue(path) {
            let got = ConvKernels.backward(x, weight: layer.weight, gradOutput: dy, p)
            let want = ConvKernels.backward(x, weight: layer.weight, gradOutput: dy, p, implicitAllowed: false)
            #expect(got.weight.data.map(\.bitPattern) == want.weight.data.map(\.bitPattern), "\(path) dW")
            #expect(got.input.data.map(\.bitPattern) == want.input.data.map(\.bitPattern), "\(path) dx")
        }
    }
}

/// ReLU's vector loops against the element loops they replace (Ops/Elementwise.swift), with NaN,
/// ±0 and ±infinity among the values and a length that leaves a tail.
@Test func reluVectorLoops_matchTheElementLoops() {
    var rng = CaseGenerator(seed: 13)
    var x = rng.tensor([203]).data
    x[0] = .nan
    x[1] = -0.0
    x[2] = 0
    x[3] = .infinity
    x[4] = -.infinity
    x[200] = .nan
    let g = rng.tensor([203]).data
    var (y, want) = ([Double](repeating: 7, count: 203), [Double](repeating: 7, count: 203))
    var (dx, wantDx) = ([Double](repeating: 7, count: 203), [Double](repeating: 7, count: 203))
    x.withUnsafeBufferPointer { xb in
        g.withUnsafeBufferPointer { gb in
            ReLUVectorLoops.forward(xb.baseAddress!, &y, 0..<203)
            ReLU().apply(xb.baseAddress!, &want, 0..<203)
            ReLUVectorLoops.backward(xb.baseAddress!, gb.baseAddress!, &dx, 0..<203)
            ReLU().applyDerivative(xb.baseAddress!, xb.baseAddress!, gb.baseAddress!, &wantDx, 0..<203)
        }
    }
    #expect(y.map(\.bitPattern) == want.map(\.bitPattern))
    #expect(dx.map(\.bitPattern) == wantDx.map(\.bitPattern))
}
