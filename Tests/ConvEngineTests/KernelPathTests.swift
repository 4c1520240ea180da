import TestSupport
import Testing

@testable import ConvEngine

// The kernel paths against one another (issue 17). Tolerances, and why:
// - avx512 and avx2 reduce every element in the same order (k-slices of `sliceDepth(k)`, each
//   summed from zero in increasing p with one fused multiply-add per step, then added to C), so
//   their results must be bit-identical, whatever their tile shapes (8×16 vs 4×12).
// - portable rounds each product before adding it (no FMA on a baseline x86-64 build), so it
//   differs from the fused paths in the last bits: checked with the contract's tolerance,
//   relative 1e-9 (`Closeness`, as the conformance vectors are).

/// `body` on each supported path, keyed by path.
private func onEachPath<T>(_ body: () throws -> T) rethrows -> [(KernelPath, T)] {
    try KernelPath.supported.map { path in (path, try KernelPath.$override.withValue(path) { try body() }) }
}

/// Fused paths bit-identical to each other; every path within 1e-9 relative of portable.
private func expectPathsAgree(_ results: [(KernelPath, Tensor)], case name: String, tensor: String) {
    guard let portable = results.first(where: { $0.0 == .portable })?.1 else {
        Issue.record("portable path missing from \(KernelPath.supported)")
        return
    }
    let fused = results.filter { $0.0.fusesMultiplyAdd }
    for (path, result) in fused {
        Closeness.expect(result, portable, case: "\(name) \(path) vs portable", tensor: tensor)
        // Fused and unfused sums of this many random products differ somewhere: equal bits would
        // mean the forced path never reached the kernels (e.g. lost on a worker thread).
        #expect(
            result.data.map(\.bitPattern) != portable.data.map(\.bitPattern),
            "\(name) \(tensor): \(path) gave portable's bits exactly")
        if let (firstPath, first) = fused.first, firstPath != path {
            #expect(
                result.data.map(\.bitPattern) == first.data.map(\.bitPattern),
                "\(name) \(tensor): \(path) differs in bits from \(firstPath)")
        }
    }
}

@Test func supported_listsPortableLastAndEachPathOnce() {
    #expect(KernelPath.supported.last == .portable)
    #expect(Set(KernelPath.supported).count == KernelPath.supported.count)
    let unsupported = KernelPath.supported.filter { !$0.isSupported }
    #expect(unsupported.isEmpty)
}

@Test func named_acceptsSupportedPathsAndRejectsOthersWithAMessage() throws {
    for path in KernelPath.supported { #expect(try KernelPath.named(path.rawValue) == path) }
    for path in KernelPath.allCases where !path.isSupported {
        #expect(throws: KernelPathError.self) { try KernelPath.named(path.rawValue) }
    }
    do {
        _ = try KernelPath.named("sse9")
        Issue.record("an unknown path was accepted")
    } catch {
        #expect(error.description.contains("avx512|avx2|portable"), "\(error.description)")
    }
}

@Test func override_choosesThePathOfGEMMOperands() {
    for path in KernelPath.supported {
        KernelPath.$override.withValue(path) { #expect(KernelPath.active == path) }
    }
}

/// Products through `GEMM.multiply` (direct, blocked and parallel sizes, every transpose).
@Test(arguments: [
    // (m, n, k, transposeA, transposeB, accumulate)
    (5, 9, 11, true, false, true),  // direct
    (37, 53, 300, false, false, false),  // blocked, two k-slices, edge tiles of every path
    (32, 1024, 27, false, false, false),  // cifar's first conv layer: W · col(x)
    (131, 125, 129, true, true, true),  // parallel
    (64, 576, 1024, false, true, false),  // a weight gradient: dy · colᵀ
])
func gemm_fusedPathsBitIdenticalAndPortableWithin1e9(
    _ shape: (Int, Int, Int, Bool, Bool, Bool)
) {
    let (m, n, k, ta, tb, acc) = shape
    var rng = CaseGenerator(seed: UInt64(m * 7 + n * 3 + k))
    let a = rng.tensor([m * k])
    let b = rng.tensor([k * n])
    let c = rng.tensor([m * n])
    let results = onEachPath { () -> Tensor in
        var out = c.data
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { pc in
                    GEMM.multiply(
                        m: m, n: n, k: k, a: pa.baseAddress!, lda: ta ? m : k, transposeA: ta,
                        b: pb.baseAddress!, ldb: tb ? k : n, transposeB: tb,
                        c: pc.baseAddress!, ldc: n, accumulate: acc)
                }
            }
        }
        return Tensor(shape: [m, n], data: out)
    }
    expectPathsAgree(results, case: "\(shape)", tensor: "C")
}

/// The conv kernels' three passes on each path: mnist's and cifar's small-channel first layers,
/// a deeper layer, and one image large enough for the single-image parallel items.
@Test(arguments: [
    // (N, C_in, H, W, C_out, kernel)
    [8, 1, 28, 28, 8, 3],
    [4, 3, 32, 32, 32, 3],
    [3, 16, 12, 12, 32, 3],
    [1, 16, 40, 40, 32, 3],
])
func conv_fusedPathsBitIdenticalAndPortableWithin1e9(_ c: [Int]) throws {
    var rng = CaseGenerator(seed: UInt64(c.reduce(0, +)))
    let spec = Conv2d(weight: rng.tensor([c[4], c[1], c[5], c[5]]), padding: .explicit(Pair(1)))
    let x = rng.tensor([c[0], c[1], c[2], c[3]])
    let plan = try spec.spec.plan(inputShape: x.shape, LayerContext(index: 0, type: "conv2d"))
    let dy = rng.tensor(plan.outputShape)
    let results = onEachPath { () -> (Tensor, Tensor, Tensor) in
        let y = ConvKernels.forward(x, weight: spec.weight, bias: nil, plan)
        let grads = ConvKernels.backward(x, weight: spec.weight, gradOutput: dy, plan)
        return (y, grads.input, grads.weight)
    }
    expectPathsAgree(results.map { ($0.0, $0.1.0) }, case: "\(c)", tensor: "output")
    expectPathsAgree(results.map { ($0.0, $0.1.1) }, case: "\(c)", tensor: "input gradient")
    expectPathsAgree(results.map { ($0.0, $0.1.2) }, case: "\(c)", tensor: "weight gradient")
}
