/// A dense float64 tensor: a shape and contiguous row-major storage (NCHW for images).
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Double]

    /// Wraps `data` as a tensor of `shape`; `data.count` must be the product of `shape`.
    public init(shape: [Int], data: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(data.count == shape.reduce(1, *), "\(data.count) values for shape \(shape)")
        self.shape = shape
        self.data = data
    }

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Double = 0) {
        self.init(shape: shape, data: [Double](repeating: value, count: shape.reduce(1, *)))
    }

    /// A scalar, shape `[]`.
    public init(scalar: Double) { self.init(shape: [], data: [scalar]) }

    public var count: Int { data.count }
    public var rank: Int { shape.count }

    /// The same storage viewed with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor { Tensor(shape: newShape, data: data) }
}
