import ConvEngine

/// A layer kind whose backward pass the diagnosis search reads with primitive errors (Search/Primitive.swift),
/// alone and in pairs, beyond the mistakes its own file declares. Kinds opt in, in their grading file (Grading/Layers/<Kind>+Grading.swift).
protocol SearchableLayer: GradedLayer {
    /// Mistaken backward passes of layer `k` made of primitive errors, fewest primitives first.
    func readings(in solution: Solution, layer k: Int) -> [Mistake]
}

extension Solution {
    /// The search's readings of layer `k`, none for a kind that has not opted in.
    func readings(of k: Int) -> [Mistake] {
        (problem.layers[k] as? any SearchableLayer)?.readings(in: self, layer: k) ?? []
    }
}

extension Mistake {
    /// A mistake made of `primitives`, its diagnosis composed from theirs.
    init(
        _ primitives: [Primitive], layer: Int, inputGradient: LazyTensor? = nil, own: [GradientTarget: LazyTensor] = [:]
    ) {
        self.init(primitives[0].code, "", layer: layer, inputGradient: inputGradient, own: own)
        diagnosis = Primitive.diagnosis(primitives)
        depth = primitives.count
    }
}
