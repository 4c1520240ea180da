import ConvEngine
import TestSupport

/// Single layers at bigconv's size, forward + backward in-process (issue 13: batch norm beside
/// PyTorch float64 in the same run; bench/torch/bench_layers.py times the same shapes).
enum LayerSection {
    /// `[8, 64, 56, 56]`, as bigconv's input.
    static let shape = [8, 64, 56, 56]

    static func run(options: BenchOptions) {
        print("== Layers: Network.backward of one layer on \(shape), float64 ==")
        var rng = SplitMix64(state: 13)
        let channels = shape[1]
        let norm = BatchNorm2d(
            spec: BatchNormSpec(
                weight: random([channels], &rng), bias: random([channels], &rng),
                runningMean: random([channels], &rng), runningVar: Tensor(shape: [channels], repeating: 1)))
        report("batchnorm2d (training, affine, running stats)", norm, rng: &rng, runs: options.quick ? 5 : 15)
        reportDense(rng: &rng, runs: options.quick ? 20 : 100)
    }

    /// cifar's dense layer (`[32, 8192]` -> 10) on its own: its three products are skinny
    /// (k = 10 or 32, or m = 10), so they run far below the conv kernels' rate.
    private static func reportDense(rng: inout SplitMix64, runs: Int) {
        let layer = Linear(weight: random([10, 8192], &rng), bias: random([10], &rng))
        let input = random([32, 8192], &rng)
        let network = Network(layers: [layer])
        let seed = BackwardSeed.gradOutput(random([32, 10], &rng))
        do {
            let samples = try Samples.measure(runs: runs) { _ = try network.backward(input, seed: seed) }
            let flops = 3 * 2 * 32.0 * 8192 * 10
            print(
                "linear [32, 8192] -> 10 (cifar's): \(samples.summary), \(samples.cpuSummary), \(fmt(flops / samples.median / 1e9, digits: 1)) GFLOP/s"
            )
        } catch {
            print("linear: not run: \(error)")
        }
    }

    private static func report(_ name: String, _ layer: any Layer, rng: inout SplitMix64, runs: Int) {
        let input = random(shape, &rng)
        let seed = BackwardSeed.gradOutput(Tensor(shape: shape, repeating: 1))
        let network = Network(layers: [layer])
        do {
            let samples = try Samples.measure(runs: runs) { _ = try network.backward(input, seed: seed) }
            let bytes = Double(input.count * 8)
            // One read of x for the statistics, one for y, and x, dy read and dx written backward.
            print(
                "\(name): \(samples.summary), \(samples.cpuSummary), \(fmt(6 * bytes / samples.median / 1e9, digits: 1)) GB/s of tensor traffic"
            )
        } catch {
            print("\(name): not run: \(error)")
        }
    }

    private static func random(_ shape: [Int], _ rng: inout SplitMix64) -> Tensor {
        Tensor(shape: shape, data: randomValues(shape.reduce(1, *), using: &rng))
    }
}
