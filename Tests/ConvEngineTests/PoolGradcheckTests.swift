import Testing

@testable import ConvEngine

/// Pooling gradients against central differences: padding, dilation, ceil_mode, count_include_pad.
@Suite struct PoolGradcheckTests {
    /// A random pool geometry valid for the input shape it comes with.
    static func randomGeometry(dilated: Bool, _ rng: inout CaseGenerator)
        -> (kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, ceil: Bool, input: [Int])
    {
        while true {
            let kernel = Pair(rng.int(1...3), rng.int(1...3))
            let stride = Pair(rng.int(1...3), rng.int(1...3))
            let padding = Pair(rng.int(0...kernel.h / 2), rng.int(0...kernel.w / 2))
            let dilation = dilated ? Pair(rng.int(1...2), rng.int(1...2)) : Pair(1)
            let input = [rng.int(1...2), rng.int(1...2), rng.int(2...7), rng.int(2...7)]
            let ceil = rng.bool()
            let spec = MaxPool2d(kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceil)
            if (try? spec.outputShape(inputShape: input)) != nil {
                return (kernel, stride, padding, dilation, ceil, input)
            }
        }
    }

    @Test(arguments: 0..<10)
    func maxPoolMatchesCentralDifferences(seed: Int) throws {
        var rng = CaseGenerator(seed: UInt64(100 + seed))
        let g = Self.randomGeometry(dilated: true, &rng)
        let spec = MaxPool2d(
            kernel: g.kernel, stride: g.stride, padding: g.padding, dilation: g.dilation, ceilMode: g.ceil)
        let x = rng.tensor(g.input)
        let r = rng.tensor(try spec.forward(x).shape)
        try Gradcheck.expect("maxpool \(g)", at: x, analytic: spec.backward(input: x, gradOutput: r)) {
            Gradcheck.project(try spec.forward($0), r)
        }
    }

    @Test(arguments: 0..<10)
    func avgPoolMatchesCentralDifferences(seed: Int) throws {
        var rng = CaseGenerator(seed: UInt64(200 + seed))
        let g = Self.randomGeometry(dilated: false, &rng)
        let spec = AvgPool2d(
            kernel: g.kernel, stride: g.stride, padding: g.padding, ceilMode: g.ceil, countIncludePad: rng.bool())
        let x = rng.tensor(g.input)
        let r = rng.tensor(try spec.forward(x).shape)
        try Gradcheck.expect(
            "avgpool \(g) include \(spec.countIncludePad)", at: x, analytic: spec.backward(input: x, gradOutput: r)
        ) {
            Gradcheck.project(try spec.forward($0), r)
        }
    }
}
