import ConvEngine
import TestSupport

/// A GEMM problem shape with dense (unpadded) operands.
struct GEMMShape {
    var m: Int, n: Int, k: Int
    var transposeA: Bool, transposeB: Bool, accumulate: Bool

    var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    /// Times `GEMM.multiply` on seeded random operands.
    func measure(runs: Int) -> Samples {
        var rng = SplitMix64(state: UInt64(m * 31 + n * 7 + k))
        let a = randomValues(m * k, using: &rng)
        let b = randomValues(k * n, using: &rng)
        var c = [Double](repeating: 0, count: m * n)
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    Samples.measure(runs: runs) {
                        GEMM.multiply(
                            m: m, n: n, k: k, a: pa.baseAddress!, lda: lda, transposeA: transposeA,
                            b: pb.baseAddress!, ldb: ldb, transposeB: transposeB,
                            c: pc.baseAddress!, ldc: n, accumulate: accumulate)
                    }
                }
            }
        }
    }
}

/// The GEMMs of bigconv ([8,64,56,56], 64->64 3x3 pad 1) lowered with im2col: `cols` is
/// `[C_in·9, H·W]` = [576, 3136] per image, or [576, 224] per tile of 4 output rows (how
/// ConvKernels bounds its scratch as of this writing).
enum ConvShapes {
    static let shapes: [(String, GEMMShape)] = [
        (
            "image forward      Y = W·cols     ",
            GEMMShape(m: 64, n: 3136, k: 576, transposeA: false, transposeB: false, accumulate: false)
        ),
        (
            "image input grad   dcols = W^T·dY ",
            GEMMShape(m: 576, n: 3136, k: 64, transposeA: true, transposeB: false, accumulate: false)
        ),
        (
            "image weight grad  dW += dY·cols^T",
            GEMMShape(m: 64, n: 576, k: 3136, transposeA: false, transposeB: true, accumulate: true)
        ),
        (
            "tile forward                      ",
            GEMMShape(m: 64, n: 224, k: 576, transposeA: false, transposeB: false, accumulate: false)
        ),
        (
            "tile input grad                   ",
            GEMMShape(m: 576, n: 224, k: 64, transposeA: true, transposeB: false, accumulate: false)
        ),
        (
            "tile weight grad                  ",
            GEMMShape(m: 64, n: 576, k: 224, transposeA: false, transposeB: true, accumulate: true)
        ),
        (
            "mnist linear forward  y = x·W^T   ",
            GEMMShape(m: 64, n: 10, k: 1568, transposeA: false, transposeB: true, accumulate: false)
        ),
        (
            "mnist conv weight grad (one image)",
            GEMMShape(m: 8, n: 9, k: 784, transposeA: false, transposeB: true, accumulate: true)
        ),
        // cifar's small-channel first conv (3->32, 3x3, pad 1, 32x32) and its second (32->32,
        // stride 2: 16x16 out), one image each (issue 17).
        (
            "cifar conv1 forward    W·cols     ",
            GEMMShape(m: 32, n: 1024, k: 27, transposeA: false, transposeB: false, accumulate: false)
        ),
        (
            "cifar conv1 input grad W^T·dY     ",
            GEMMShape(m: 27, n: 1024, k: 32, transposeA: true, transposeB: false, accumulate: false)
        ),
        (
            "cifar conv1 weight grad dY·cols^T ",
            GEMMShape(m: 32, n: 27, k: 1024, transposeA: false, transposeB: true, accumulate: true)
        ),
        (
            "cifar conv2 forward    W·cols     ",
            GEMMShape(m: 32, n: 256, k: 288, transposeA: false, transposeB: false, accumulate: false)
        ),
        (
            "cifar conv2 input grad W^T·dY     ",
            GEMMShape(m: 288, n: 256, k: 32, transposeA: true, transposeB: false, accumulate: false)
        ),
        (
            "cifar conv2 weight grad dY·cols^T ",
            GEMMShape(m: 32, n: 288, k: 256, transposeA: false, transposeB: true, accumulate: true)
        ),
        // cifar's dense layer (8192 -> 10, batch 32): B's rows 8192 doubles apart.
        (
            "cifar dense input grad dY·W       ",
            GEMMShape(m: 32, n: 8192, k: 10, transposeA: false, transposeB: false, accumulate: false)
        ),
        (
            "cifar dense weight grad dY^T·x    ",
            GEMMShape(m: 10, n: 8192, k: 32, transposeA: true, transposeB: false, accumulate: false)
        ),
    ]

    static func run(quick: Bool) {
        print("conv GEMMs (im2col lowering): bigconv per image and per 4-row tile, mnist, cifar per image:")
        for (label, shape) in shapes {
            let samples = shape.measure(runs: (quick ? 5 : 20) * max(1, min(100, 3136 / shape.n / 4)))
            print(
                "  \(label) \(shape.m)x\(shape.n)x\(shape.k): \(fmt(shape.flops / samples.median / 1e9, digits: 1)) GFLOP/s  \(samples.summary); \(fmt(shape.flops / samples.cpuMedian / 1e9, digits: 1)) per CPU-second"
            )
        }
    }
}
