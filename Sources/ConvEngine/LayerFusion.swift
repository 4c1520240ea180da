/// A layer that can run the elementwise activation after it inside its own passes (Conv2d:
/// Kernels/ConvActivationFusion.swift). `Network` asks for it wherever such a layer is followed by
/// an `ElementwiseActivation`; the two layers keep their own steps, outputs and gradients.
protocol ActivationFusing: Layer {
    /// Both layers' steps with the values `step` gives run one after the other, or nil when this
    /// layer runs unfused on `x`; throws what this layer's `step` would.
    func fusedSteps(_ x: Tensor, index: Int, then activation: some ElementwiseActivation) throws -> FusedSteps?
}

/// The steps of a layer and the activation after it, and one backward pass for both.
struct FusedSteps {
    var first: LayerStep
    var second: LayerStep
    /// dL/d(second's output) in; both layers' gradients out, as their own backward passes give them.
    var backward: FusedBackward
}

public typealias FusedBackward = @Sendable (Tensor) -> (second: LayerGradients, first: LayerGradients)

extension Network {
    /// Layers `i` and `i + 1` run as one when layer `i` fuses the activation that follows it.
    func fusedSteps(at i: Int, _ x: Tensor) throws -> FusedSteps? {
        guard i + 1 < layers.count, let layer = layers[i] as? any ActivationFusing,
            let activation = layers[i + 1] as? any ElementwiseActivation
        else { return nil }
        return try layer.fusedSteps(x, index: i, then: activation)
    }
}
