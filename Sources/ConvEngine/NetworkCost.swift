/// The size of a problem before it runs, from each layer's `outputShape` and `cost`: the work of a
/// forward plus backward pass, the largest tensor held, and the elements held at once. The walk
/// stops at the first layer whose shapes do not fit (running the network reports that layer's error).
public struct NetworkCost: Sendable {
    /// Estimated multiply-adds, forward and backward.
    public var work: Double = 0
    /// The largest tensor the engine will hold: the input, an activation or a layer's scratch, in elements.
    public var largestTensor: Double = 0
    /// Which layer holds `largestTensor` (nil: the input).
    public var largestAt: Int?
    /// Elements held at once for the backward pass: the input, every activation and its gradient.
    public var heldElements: Double = 0
    /// Output shape of each layer whose input shape fitted.
    public var shapes: [[Int]] = []

    public init(layers: [any Layer], inputShape: [Int]) {
        var shape = inputShape
        note(elementCount(shape), at: nil)
        heldElements = elementCount(shape)
        for (i, layer) in layers.enumerated() {
            guard let next = try? layer.outputShape(inputShape: shape, index: i) else { return }
            let cost = layer.cost(inputShape: shape, outputShape: next)
            work += cost.work
            note(cost.scratchElements, at: i)
            shape = next
            shapes.append(shape)
            note(elementCount(shape), at: i)
            heldElements += 2 * elementCount(shape)
        }
    }

    private mutating func note(_ elements: Double, at layer: Int?) {
        if elements > largestTensor {
            largestTensor = elements
            largestAt = layer
        }
    }
}
