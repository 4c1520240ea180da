import ConvEngine

/// Parameter-gradient reductions done wrong: a bias summed over the wrong axes, a weight or bias
/// gradient taken from one sample or one position instead of accumulated over all of them.
extension Solution {
    /// Every reduction of dL/dZ over a set of axes other than the right one (all but the channel /
    /// feature axis), including none and all.
    func biasMistakes(_ k: Int) -> [Mistake] {
        guard parameterGradient(k, "bias") != nil else { return [] }
        let dZ = upstream(k)
        let axisNames = dZ.rank == 4 ? ["n", "c", "h", "w"] : ["n", "f"]
        let right = Set(dZ.shape.indices).subtracting([1])
        let name = problem.layerNames[k]
        var found: [Mistake] = []
        for mask in 0..<(1 << dZ.rank) {
            let axes = Set(dZ.shape.indices.filter { mask & (1 << $0) != 0 })
            guard axes != right else { continue }
            let over = axes.isEmpty ? "no axis" : axes.sorted().map { axisNames[$0] }.joined(separator: ", ")
            let should = right.sorted().map { axisNames[$0] }.joined(separator: ", ")
            found.append(
                Mistake(
                    DiagnosisCode.biasWrongAxes,
                    "Your bias gradient of layer \"\(name)\" sums dL/dZ over \(over); it must sum over \(should), leaving one value per output \(dZ.rank == 4 ? "channel" : "feature").",
                    layer: k,
                    own: [
                        .parameter(k, "bias"): LazyTensor(shape: Self.keptShape(dZ.shape, without: axes)) {
                            dZ.summed(over: axes)
                        }
                    ]))
        }
        return found
    }

    /// Weight and bias gradients from the first or last sample only, or (conv) from the first or
    /// last output position only, or from a single term: what `=` instead of `+=` leaves.
    ///
    /// `weightGradient(samples, position)` is the layer's weight gradient from those samples (and
    /// output position, where the layer has positions) only.
    func accumulationMistakes(_ k: Int, weightGradient: @escaping (Range<Int>, (Int, Int)?) -> Tensor?) -> [Mistake] {
        let dZ = upstream(k)
        let batch = dZ.shape[0]
        let name = "layer \"\(problem.layerNames[k])\""
        var found: [Mistake] = []
        var samples = [(0..<1, "sample 0")]
        if batch > 1 { samples.append(((batch - 1)..<batch, "the last sample (n = \(batch - 1))")) }
        for (range, which) in samples {
            var own: [GradientTarget: LazyTensor] = [:]
            if let weight = parameterGradient(k, "weight") {
                own[.parameter(k, "weight")] = LazyTensor(shape: weight.shape) { weightGradient(range, nil) }
            }
            if parameterGradient(k, "bias") != nil {
                own[.parameter(k, "bias")] = LazyTensor(shape: [dZ.shape[1]]) {
                    dZ.summed(over: Set(dZ.shape.indices).subtracting([0, 1])).rows(range)
                }
            }
            found.append(
                Mistake(
                    DiagnosisCode.partialAccumulation,
                    "Your gradient of \(name) has only \(which)'s contribution: the gradient sums (+=) over every sample of the batch.",
                    layer: k, own: own))
        }
        found += positionMistakes(k, dZ: dZ, name: name, weightGradient: weightGradient)
        return found
    }

    /// Weight gradients from one output position of a layer whose output has positions (`[N, C, H, W]`).
    private func positionMistakes(
        _ k: Int, dZ: Tensor, name: String, weightGradient: @escaping (Range<Int>, (Int, Int)?) -> Tensor?
    ) -> [Mistake] {
        guard dZ.rank == 4 else { return [] }
        let (outH, outW, batch) = (dZ.shape[2], dZ.shape[3], dZ.shape[0])
        guard outH * outW > 1 else { return [] }
        var found: [Mistake] = []
        let last = (outH - 1, outW - 1)
        guard let shape = parameterGradient(k, "weight")?.shape else { return [] }
        for (position, samples) in [
            ((0, 0), 0..<batch), (last, 0..<batch), ((0, 0), 0..<1), (last, (batch - 1)..<batch),
        ] {
            let weight = LazyTensor(shape: shape) { weightGradient(samples, position) }
            let what =
                samples.count == batch
                ? "output position (\(position.0), \(position.1))"
                : "one term (sample \(samples.lowerBound), output position (\(position.0), \(position.1)))"
            found.append(
                Mistake(
                    DiagnosisCode.partialAccumulation,
                    "Your weight gradient of \(name) has only \(what)'s contribution: every output position (i, j) of every sample adds its dL/dZ[n,co,i,j] * X term, so accumulate with += over all of them.",
                    layer: k, own: [.parameter(k, "weight"): weight]))
        }
        return found
    }
}

extension Solution {
    /// The shape `summed(over: axes)` gives.
    static func keptShape(_ shape: [Int], without axes: Set<Int>) -> [Int] {
        shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
    }
}

extension Tensor {
    /// Samples `range` of the leading (batch) axis.
    func samples(_ range: Range<Int>) -> Tensor {
        let size = count / Swift.max(shape[0], 1)
        return Tensor(
            shape: [range.count] + shape.dropFirst(),
            data: Array(data[(range.lowerBound * size)..<(range.upperBound * size)]))
    }

    /// The sum of rows `range` of a `[N, F]` tensor, as `[F]`.
    func rows(_ range: Range<Int>) -> Tensor {
        let width = count / max(shape[0], 1)
        var out = [Double](repeating: 0, count: width)
        for n in range { for f in 0..<width { out[f] += data[n * width + f] } }
        return Tensor(shape: [width], data: out)
    }
}
