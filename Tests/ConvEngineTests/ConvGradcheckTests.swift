import Testing

@testable import ConvEngine

/// conv2d's three gradients against central differences, on random shapes and hyperparameters:
/// stride > 1 with uneven coverage, dilation, groups (incl. depthwise), every padding form and mode.
@Suite struct ConvGradcheckTests {
    /// A random valid conv and input shape; retries until the kernel fits the padded input.
    static func randomConv(mode: PaddingMode, _ rng: inout CaseGenerator) -> (Conv2d, [Int]) {
        while true {
            let groups = [1, 1, 2, 3].randomElement(using: &rng)!
            let (inPerGroup, outPerGroup) = (rng.int(1...2), rng.int(1...2))
            let kernel = Pair(rng.int(1...3), rng.int(1...3))
            let dilation = Pair(rng.int(1...2), rng.int(1...2))
            var stride = Pair(rng.int(1...3), rng.int(1...3))
            let padding: ConvPadding
            switch rng.int(0...3) {
            case 0: padding = .valid
            case 1:
                padding = .same
                stride = Pair(1)
            default: padding = .explicit(Pair(rng.int(0...2), rng.int(0...2)))
            }
            let input = [rng.int(1...2), groups * inPerGroup, rng.int(3...7), rng.int(3...7)]
            let spec = Conv2d(
                weight: rng.tensor([groups * outPerGroup, inPerGroup, kernel.h, kernel.w]),
                bias: rng.bool() ? rng.tensor([groups * outPerGroup]) : nil, stride: stride, padding: padding,
                dilation: dilation, groups: groups, paddingMode: mode)
            if (try? spec.outputShape(inputShape: input)) != nil { return (spec, input) }
        }
    }

    @Test(arguments: PaddingMode.allCases, 0..<5)
    func gradientsMatchCentralDifferences(mode: PaddingMode, seed: Int) throws {
        var rng = CaseGenerator(seed: UInt64(seed * 31 + mode.hashValue & 0xff))
        let (spec, inputShape) = Self.randomConv(mode: mode, &rng)
        try Self.check(spec, input: rng.tensor(inputShape), &rng, label: "\(mode) seed \(seed) \(spec.summary)")
    }

    /// Fixed cases the random ones might miss: stride 3 over a 7-wide input (a column never read),
    /// asymmetric "same" with an even dilated kernel, depthwise with a multiplier.
    @Test func unevenCoverageSameAndDepthwise() throws {
        var rng = CaseGenerator(seed: 7)
        let cases: [(Conv2d, [Int])] = [
            (Conv2d(weight: rng.tensor([2, 1, 2, 2]), bias: rng.tensor([2]), stride: Pair(3, 2)), [2, 1, 7, 6]),
            (
                Conv2d(weight: rng.tensor([1, 2, 2, 4]), padding: .same, dilation: Pair(1, 2), paddingMode: .reflect),
                [1, 2, 5, 7]
            ),
            (
                Conv2d(
                    weight: rng.tensor([6, 1, 3, 3]), bias: rng.tensor([6]), padding: .explicit(Pair(1)), groups: 3),
                [2, 3, 4, 5]
            ),
            (Conv2d(weight: rng.tensor([2, 2, 1, 1]), bias: rng.tensor([2])), [3, 2, 3, 3]),
        ]
        for (spec, shape) in cases {
            try Self.check(spec, input: rng.tensor(shape), &rng, label: spec.summary)
        }
    }

    static func check(_ spec: Conv2d, input x: Tensor, _ rng: inout CaseGenerator, label: String) throws {
        let y = try spec.forward(x)
        let r = rng.tensor(y.shape)
        let grads = spec.backward(input: x, gradOutput: r)
        try Gradcheck.expect("\(label) input", at: x, analytic: grads.input) {
            Gradcheck.project(try spec.forward($0), r)
        }
        try Gradcheck.expect("\(label) weight", at: spec.weight, analytic: grads.weight) { w in
            var s = spec
            s.weight = w
            return Gradcheck.project(try s.forward(x), r)
        }
        if let bias = spec.bias, let db = grads.bias {
            try Gradcheck.expect("\(label) bias", at: bias, analytic: db) { b in
                var s = spec
                s.bias = b
                return Gradcheck.project(try s.forward(x), r)
            }
        }
    }
}

extension Conv2d {
    var summary: String {
        "conv weight \(spec.weight.shape) stride \(spec.stride) padding \(spec.padding) dilation \(spec.dilation) groups \(spec.groups) \(spec.paddingMode)"
    }
}
