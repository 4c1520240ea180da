import Testing

@testable import ConvEngine

/// The 2x2 / stride 2 max-pool fast path against the general window scan, bit for bit: ties (the
/// first maximum), signed zeros, infinities and NaNs (the last NaN), odd sizes, and row widths that
/// leave a scalar tail after the four-window SIMD loop.
@Suite struct MaxPool2x2Tests {
    /// Values drawn from a small set so windows hold ties, -0.0 next to 0.0, infinities and NaNs.
    static let palette: [Double] = [0, -0.0, 1, 1, -1, 2.5, -.infinity, .infinity, .nan, -.nan]

    static func input(_ shape: [Int], nanFree: Bool, _ rng: inout CaseGenerator) -> Tensor {
        let choices = nanFree ? palette.filter { !$0.isNaN } : palette
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, data: (0..<count).map { _ in choices[rng.int(0...choices.count - 1)] })
    }

    /// The general scan's forward values and routed gradient for one plan.
    static func reference(_ x: Tensor, _ dy: Tensor, _ p: PoolPlan) -> (y: [Double], dx: [Double]) {
        var y = [Double](repeating: 0, count: p.planes * p.outPlane)
        var dx = [Double](repeating: 0, count: x.count)
        let windows = PoolWindows(p, dilated: true)
        x.data.withUnsafeBufferPointer { xb in
            for plane in 0..<p.planes {
                windows.forEachArgmax(xb.baseAddress! + plane * p.inPlane) { o, value, index in
                    y[plane * p.outPlane + o] = value
                    dx[plane * p.inPlane + index] += dy.data[plane * p.outPlane + o]
                }
            }
        }
        return (y, dx)
    }

    static func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }

    @Test(arguments: 0..<24)
    func fastPathMatchesGeneralScan(seed: Int) throws {
        var rng = CaseGenerator(seed: UInt64(7_000 + seed))
        let shape = [rng.int(1...2), rng.int(1...3), rng.int(2...9), rng.int(2...21)]
        let spec = MaxPool2d(kernel: Pair(2), ceilMode: rng.bool() && shape[2] % 2 == 0 && shape[3] % 2 == 0)
        let x = Self.input(shape, nanFree: seed % 3 == 0, &rng)
        let p = try spec.plan(inputShape: shape, LayerContext(index: 0, type: "maxpool2d"))
        #expect(MaxPool2x2.applies(p))
        let dy = Tensor(
            shape: p.outputShape, data: (0..<p.planes * p.outPlane).map { _ in Self.palette[rng.int(0...5)] })
        let expected = Self.reference(x, dy, p)
        let y = try spec.forward(x)
        let dx = spec.backward(input: x, gradOutput: dy)
        #expect(Self.bits(y.data) == Self.bits(expected.y), "forward \(shape)")
        #expect(Self.bits(dx.data) == Self.bits(expected.dx), "backward \(shape)")
    }

    @Test func onlyFullUnpaddedStrideTwoWindowsTakeTheFastPath() throws {
        let ctx = LayerContext(index: 0, type: "maxpool2d")
        let plan = { (spec: MaxPool2d, shape: [Int]) in try spec.plan(inputShape: shape, ctx) }
        #expect(MaxPool2x2.applies(try plan(MaxPool2d(kernel: Pair(2)), [1, 1, 5, 7])))
        #expect(!MaxPool2x2.applies(try plan(MaxPool2d(kernel: Pair(2), ceilMode: true), [1, 1, 5, 7])))
        #expect(!MaxPool2x2.applies(try plan(MaxPool2d(kernel: Pair(2), stride: Pair(1)), [1, 1, 4, 4])))
        #expect(!MaxPool2x2.applies(try plan(MaxPool2d(kernel: Pair(2), padding: Pair(1)), [1, 1, 4, 4])))
        #expect(!MaxPool2x2.applies(try plan(MaxPool2d(kernel: Pair(2), dilation: Pair(2)), [1, 1, 6, 6])))
        #expect(!MaxPool2x2.applies(try plan(MaxPool2d(kernel: Pair(3), stride: Pair(2)), [1, 1, 6, 6])))
    }
}
