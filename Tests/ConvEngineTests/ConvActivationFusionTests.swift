import TestSupport
import Testing

@testable import ConvEngine

// A conv followed by an elementwise activation runs fused in `Network` (Sources/ConvEngine/
// LayerFusion.swift, Kernels/ConvActivationFusion.swift): every value the network returns must be
// the bits the two layers give when their own steps run one after the other, on every kernel path.

/// (N, C_in, H, W, C_out, k, stride, padding, groups)
private let shapes: [[Int]] = [
    [2, 3, 12, 12, 8, 3, 1, 1, 1],  // cifar's first layer: 3 input channels (dx by GEMM + col2im)
    [3, 8, 11, 9, 16, 3, 2, 1, 1],  // stride 2, padding 1, odd sizes
    [2, 8, 9, 9, 8, 3, 1, 1, 2],  // two groups
    [2, 8, 10, 10, 8, 3, 2, 0, 1],  // stride 2, no padding
    [1, 4, 8, 8, 8, 3, 1, 1, 1],  // batch 1: the im2col lowering, not fused
    [2, 4, 7, 7, 6, 1, 1, 0, 1],  // 1×1: a plain GEMM, not fused
]

private func conv(_ c: [Int], _ rng: inout CaseGenerator, mode: PaddingMode = .zeros) -> Conv2d {
    Conv2d(
        weight: rng.tensor([c[4], c[1] / c[8], c[5], c[5]]), bias: rng.tensor([c[4]]), stride: Pair(c[6]),
        padding: .explicit(Pair(c[7])), groups: c[8], paddingMode: mode)
}

/// Everything `Network.backward` returns, against the layers' own steps run one after the other.
private func expectSameAsUnfused(
    _ layers: [any Layer], input x: Tensor, gradOutput: Tensor, case name: String
) throws {
    let network = Network(layers: layers)
    let got = try network.backward(x, seed: .gradOutput(gradOutput))
    var steps: [LayerStep] = []
    var value = x
    for (i, layer) in layers.enumerated() {
        steps.append(try layer.step(value, index: i))
        value = steps[i].output
    }
    var gradient = gradOutput
    var want: [LayerGradients] = []
    for step in steps.reversed() {
        want.insert(step.backward(gradient), at: 0)
        gradient = want[0].input
    }
    for i in layers.indices {
        expectBits(got.activations[i], steps[i].output, "\(name) activation \(i)")
        expectBits(got.activationGradients[i], i + 1 < layers.count ? want[i + 1].input : gradOutput, "\(name) dz \(i)")
        #expect(got.parameterGradients[i].map(\.name) == want[i].parameters.map(\.name), "\(name) names \(i)")
        for (g, w) in zip(got.parameterGradients[i], want[i].parameters) {
            expectBits(g.tensor, w.tensor, "\(name) layer \(i) \(g.name)")
        }
        // Grading runs each layer's bound backward pass on its own (BackwardResult.steps).
        expectBits(got.steps[i](got.activationGradients[i]).input, want[i].input, "\(name) step \(i)")
    }
    expectBits(got.inputGradient, want[0].input, "\(name) input gradient")
}

private func expectBits(_ got: Tensor, _ want: Tensor, _ what: String) {
    #expect(got.shape == want.shape, "\(what): shape \(got.shape) against \(want.shape)")
    let mismatch = zip(got.data, want.data).enumerated().first { $0.element.0.bitPattern != $0.element.1.bitPattern }
    #expect(
        mismatch == nil,
        "\(what): index \(mismatch?.offset ?? -1) got \(mismatch?.element.0 ?? 0) want \(mismatch?.element.1 ?? 0)")
}

@Test(arguments: shapes, KernelPath.supported)
func convReLU_fusedBitIdenticalToUnfusedOnEveryPath(_ c: [Int], path: KernelPath) throws {
    try KernelPath.$override.withValue(path) {
        var rng = CaseGenerator(seed: UInt64(c.reduce(11, +)))
        let layer = conv(c, &rng)
        let x = rng.tensor([c[0], c[1], c[2], c[3]])
        let outShape = try layer.outputShape(inputShape: x.shape)
        let dr = rng.tensor(outShape)
        try expectSameAsUnfused([layer, ReLU()], input: x, gradOutput: dr, case: "\(c) \(path)")
    }
}

@Test(arguments: KernelPath.supported)
func convActivations_fusedBitIdenticalForLeakyReLUTanhAndAChain(path: KernelPath) throws {
    try KernelPath.$override.withValue(path) {
        let c = [2, 8, 9, 9, 8, 3, 2, 1, 1]
        var rng = CaseGenerator(seed: 21)
        let first = conv(c, &rng)
        let second = conv([2, 8, 5, 5, 8, 3, 1, 1, 1], &rng)
        let x = rng.tensor([2, 8, 9, 9])
        let layers: [any Layer] = [first, LeakyReLU(negativeSlope: 0.1), second, Tanh(), ReLU()]
        let dr = rng.tensor([2, 8, 5, 5])
        try expectSameAsUnfused(layers, input: x, gradOutput: dr, case: "chain \(path)")
    }
}

@Test(arguments: KernelPath.supported)
func convReLU_fusedWithReflectPaddingBitIdentical(path: KernelPath) throws {
    try KernelPath.$override.withValue(path) {
        let c = [2, 8, 9, 9, 8, 3, 1, 1, 1]
        var rng = CaseGenerator(seed: 31)
        let layer = conv(c, &rng, mode: .reflect)
        let x = rng.tensor([2, 8, 9, 9])
        try expectSameAsUnfused([layer, ReLU()], input: x, gradOutput: rng.tensor([2, 8, 9, 9]), case: "\(path)")
    }
}

@Test(arguments: KernelPath.supported)
func convReLU_fusedWithNonFiniteInputAndGradientBitIdentical(path: KernelPath) throws {
    try KernelPath.$override.withValue(path) {
        let c = [2, 8, 9, 9, 8, 3, 2, 1, 1]
        var rng = CaseGenerator(seed: 41)
        let layer = conv(c, &rng)
        var x = rng.tensor([2, 8, 9, 9])
        x.data[5] = .nan
        x.data[200] = .infinity
        x.data[700] = -.infinity
        var dr = rng.tensor([2, 8, 5, 5])
        dr.data[3] = .nan
        dr.data[77] = .infinity
        // A zero output gives ReLU's gradient 0 whatever dr is.
        try expectSameAsUnfused([layer, ReLU()], input: x, gradOutput: dr, case: "\(path)")
    }
}

@Test(arguments: KernelPath.supported)
func convReLU_fusesOnTheFusedPathsOnly(path: KernelPath) throws {
    try KernelPath.$override.withValue(path) {
        var rng = CaseGenerator(seed: 51)
        let layer = conv(shapes[1], &rng)
        let network = Network(layers: [layer, ReLU(), Flatten()])
        let x = rng.tensor([3, 8, 11, 9])
        let fused = try network.fusedSteps(at: 0, x)
        #expect((fused != nil) == path.fusesMultiplyAdd, "\(path)")
        let notFused = try network.fusedSteps(at: 1, x)
        #expect(notFused == nil, "relu then flatten: \(path)")
    }
}

@Test(arguments: KernelPath.supported)
func convReLU_fusedForwardKeepsBothActivations(path: KernelPath) throws {
    try KernelPath.$override.withValue(path) {
        var rng = CaseGenerator(seed: 61)
        let layer = conv(shapes[0], &rng)
        let x = rng.tensor([2, 3, 12, 12])
        let got = try Network(layers: [layer, ReLU()]).forward(x)
        let y = try layer.forward(x)
        expectBits(got.activations[0], y, "\(path) conv output")
        expectBits(got.activations[1], ReLU().forward(y), "\(path) relu output")
        #expect(got.activations[1].data.allSatisfy { $0 >= 0 }, "\(path)")
    }
}
