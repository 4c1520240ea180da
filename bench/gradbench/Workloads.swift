import ConvEngine
import TestSupport

/// One of issue 7's engine workloads: a network, its input and what seeds the backward pass.
struct Workload {
    var name: String
    var network: Network
    var input: Tensor
    var seed: BackwardSeed
    /// Timed runs (after one warm-up).
    var runs: Int
    /// PyTorch f64 on 2 threads, forward + backward, as measured in issue 7 (seconds).
    var pytorchSeconds: Double

    /// Conv flops of one forward+backward: 2·MACs for each of forward, input gradient and
    /// weight gradient (issue 7's convention).
    var convFlops: Double {
        var shape = input.shape
        var flops = 0.0
        for layer in network.layers {
            guard case let spec as Conv2d = layer, shape.count == 4 else {
                shape = WorkloadShapes.output(of: layer, input: shape)
                continue
            }
            let out = WorkloadShapes.convOutput(spec, input: shape)
            let w = spec.weight.shape  // (C_out, C_in/groups, kh, kw)
            let macs = Double(out.reduce(1, *)) * Double(w[1] * w[2] * w[3])
            flops += 3 * 2 * macs
            shape = out
        }
        return flops
    }

    static func all(quick: Bool) -> [Workload] {
        var rng = SplitMix64(state: 7)
        let scale = quick ? 3 : 1
        return [
            seed(rng: &rng, runs: 2000 / scale),
            mnist(rng: &rng, runs: 30 / scale),
            cifar(rng: &rng, runs: 15 / scale),
            bigconv(rng: &rng, runs: 7 / scale + 1),
        ]
    }

    /// The lesson: [1,1,4,4], conv 1->1 2x2 stride 2, flatten, linear 4->1, mse.
    static func seed(rng: inout SplitMix64, runs: Int) -> Workload {
        let layers: [any Layer] = [
            Conv2d(weight: tensor([1, 1, 2, 2], &rng), stride: Pair(2)),
            Flatten(),
            Linear(weight: tensor([1, 4], &rng)),
        ]
        let loss = LossSpec(kind: .mse, target: .values(tensor([1, 1], &rng)))
        return Workload(
            name: "seed", network: Network(layers: layers), input: tensor([1, 1, 4, 4], &rng),
            seed: .loss(loss), runs: runs, pytorchSeconds: 0.40e-3)
    }

    /// [64,1,28,28], conv 1->8 3x3 pad 1, relu, maxpool 2, flatten, linear 1568->10, cross_entropy.
    static func mnist(rng: inout SplitMix64, runs: Int) -> Workload {
        let layers: [any Layer] = [
            Conv2d(weight: tensor([8, 1, 3, 3], &rng), bias: tensor([8], &rng), padding: .explicit(Pair(1))),
            ReLU(),
            MaxPool2d(kernel: Pair(2)),
            Flatten(),
            Linear(weight: tensor([10, 1568], &rng), bias: tensor([10], &rng)),
        ]
        return Workload(
            name: "mnist", network: Network(layers: layers), input: tensor([64, 1, 28, 28], &rng),
            seed: .loss(crossEntropy(batch: 64, classes: 10, &rng)), runs: runs, pytorchSeconds: 7.0e-3)
    }

    /// [32,3,32,32], conv 3->32 3x3 pad 1, relu, conv 32->32 3x3 stride 2 pad 1, relu, flatten,
    /// linear 8192->10, cross_entropy.
    static func cifar(rng: inout SplitMix64, runs: Int) -> Workload {
        let layers: [any Layer] = [
            Conv2d(weight: tensor([32, 3, 3, 3], &rng), bias: tensor([32], &rng), padding: .explicit(Pair(1))),
            ReLU(),
            Conv2d(
                weight: tensor([32, 32, 3, 3], &rng), bias: tensor([32], &rng), stride: Pair(2),
                padding: .explicit(Pair(1))),
            ReLU(),
            Flatten(),
            Linear(weight: tensor([10, 8192], &rng), bias: tensor([10], &rng)),
        ]
        return Workload(
            name: "cifar", network: Network(layers: layers), input: tensor([32, 3, 32, 32], &rng),
            seed: .loss(crossEntropy(batch: 32, classes: 10, &rng)), runs: runs, pytorchSeconds: 37.7e-3)
    }

    /// [8,64,56,56], conv 64->64 3x3 pad 1, grad_output all ones.
    static func bigconv(rng: inout SplitMix64, runs: Int) -> Workload {
        let layers: [any Layer] = [
            Conv2d(weight: tensor([64, 64, 3, 3], &rng), padding: .explicit(Pair(1)))
        ]
        return Workload(
            name: "bigconv", network: Network(layers: layers), input: tensor([8, 64, 56, 56], &rng),
            seed: .gradOutput(Tensor(shape: [8, 64, 56, 56], repeating: 1)), runs: runs, pytorchSeconds: 234e-3)
    }

    private static func tensor(_ shape: [Int], _ rng: inout SplitMix64) -> Tensor {
        Tensor(shape: shape, data: randomValues(shape.reduce(1, *), using: &rng))
    }

    private static func crossEntropy(batch: Int, classes: Int, _ rng: inout SplitMix64) -> LossSpec {
        LossSpec(
            kind: .crossEntropy,
            target: .classIndices((0..<batch).map { _ in Int.random(in: 0..<classes, using: &rng) }))
    }
}
