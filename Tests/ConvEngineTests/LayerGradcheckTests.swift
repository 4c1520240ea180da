import Testing

@testable import ConvEngine

/// Activations, flatten and linear against central differences, and a whole network's gradients.
@Suite struct LayerGradcheckTests {
    static let activations: [any Layer] = [ReLU(), LeakyReLU(negativeSlope: 0.2), Sigmoid(), Tanh(), Flatten()]

    @Test(arguments: activations)
    func elementwiseAndFlattenMatchCentralDifferences(layer: any Layer) throws {
        var rng = CaseGenerator(seed: 11)
        let x = rng.tensor([2, 3, 2, 2], in: -3...3)
        let y = try layer.forward(x)
        let r = rng.tensor(y.shape)
        let dx = layer.backward(input: x, output: y, gradOutput: r).input
        try Gradcheck.expect("\(layer.typeName)", at: x, analytic: dx) { Gradcheck.project(try layer.forward($0), r) }
    }

    @Test(arguments: [true, false])
    func linearMatchesCentralDifferences(withBias: Bool) throws {
        var rng = CaseGenerator(seed: 12)
        let spec = Linear(weight: rng.tensor([4, 5]), bias: withBias ? rng.tensor([4]) : nil)
        let x = rng.tensor([3, 5])
        let r = rng.tensor([3, 4])
        let g = spec.backward(input: x, gradOutput: r)
        try Gradcheck.expect("linear input", at: x, analytic: g.input) { Gradcheck.project(try spec.forward($0), r) }
        try Gradcheck.expect("linear weight", at: spec.weight, analytic: g.weight) {
            Gradcheck.project(try Linear(weight: $0, bias: spec.bias).forward(x), r)
        }
        if let bias = spec.bias, let db = g.bias {
            try Gradcheck.expect("linear bias", at: bias, analytic: db) {
                Gradcheck.project(try Linear(weight: spec.weight, bias: $0).forward(x), r)
            }
        }
    }

    /// conv -> leaky_relu -> maxpool -> conv(reflect) -> tanh -> avgpool -> flatten -> linear -> cross_entropy:
    /// the input gradient and every parameter gradient of `Network.backward`.
    @Test func networkGradientsMatchCentralDifferences() throws {
        var rng = CaseGenerator(seed: 13)
        let network = Network(layers: [
            Conv2d(weight: rng.tensor([4, 1, 3, 3]), bias: rng.tensor([4]), padding: .explicit(Pair(1)), groups: 2),
            LeakyReLU(negativeSlope: 0.1),
            MaxPool2d(kernel: Pair(2), stride: Pair(2), ceilMode: true),
            Conv2d(weight: rng.tensor([3, 4, 2, 2]), padding: .same, paddingMode: .reflect),
            Tanh(),
            AvgPool2d(kernel: Pair(2), stride: Pair(1), padding: Pair(1), countIncludePad: false),
            Flatten(),
            Linear(weight: rng.tensor([3, 75]), bias: rng.tensor([3])),
        ])
        let x = rng.tensor([2, 2, 7, 7])
        let loss = LossSpec(kind: .crossEntropy, target: .classIndices([2, 0]))
        let result = try network.backward(x, seed: .loss(loss))
        func lossOf(_ net: Network, _ input: Tensor) throws -> Double { try net.forward(input, loss: loss).loss! }
        try Gradcheck.expect("network input", at: x, analytic: result.inputGradient) { try lossOf(network, $0) }
        for (i, layer) in network.layers.enumerated() {
            guard let weight = result.parameterGradients[i].weight else { continue }
            try Gradcheck.expect("layer \(i) weight", at: Self.weight(of: layer), analytic: weight) {
                try lossOf(Self.replacingWeight(network, i, $0), x)
            }
        }
    }

    static func weight(of layer: any Layer) -> Tensor {
        switch layer {
        case let s as Conv2d: return s.weight
        case let s as Linear: return s.weight
        default: return Tensor(shape: [0])
        }
    }

    static func replacingWeight(_ network: Network, _ i: Int, _ w: Tensor) -> Network {
        var copy = network
        switch copy.layers[i] {
        case var s as Conv2d:
            s.weight = w
            copy.layers[i] = s
        case var s as Linear:
            s.weight = w
            copy.layers[i] = s
        default: break
        }
        return copy
    }
}
