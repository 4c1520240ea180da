/// The elementwise activations, one type each; their passes are shared (Ops/Elementwise.swift).

/// `max(x, 0)`; the gradient at 0 is 0 (PyTorch's threshold_backward: `x <= 0 ? 0 : dy`); NaN passes.
public struct ReLU: ElementwiseActivation, Equatable {
    public static let typeName = "relu"
    public init() {}

    public func apply(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ range: Range<Int>) {
        for i in range { y[i] = x[i] > 0 || x[i].isNaN ? x[i] : 0 }
    }

    public func applyDerivative(
        _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ g: UnsafePointer<Double>,
        _ dx: UnsafeMutablePointer<Double>, _ range: Range<Int>
    ) {
        for i in range { dx[i] = x[i] <= 0 ? 0 : g[i] }
    }
}

/// `x > 0 ? x : slope * x`; the gradient at 0 is `slope` (`x > 0 ? dy : dy * slope`).
public struct LeakyReLU: ElementwiseActivation, Equatable {
    public static let typeName = "leaky_relu"
    public var negativeSlope: Double
    public init(negativeSlope: Double = 0.01) { self.negativeSlope = negativeSlope }

    public func apply(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ range: Range<Int>) {
        let slope = negativeSlope
        for i in range { y[i] = x[i] > 0 ? x[i] : x[i] * slope }
    }

    public func applyDerivative(
        _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ g: UnsafePointer<Double>,
        _ dx: UnsafeMutablePointer<Double>, _ range: Range<Int>
    ) {
        let slope = negativeSlope
        for i in range { dx[i] = x[i] > 0 ? g[i] : g[i] * slope }
    }
}

/// `1 / (1 + exp(-x))`; `dx = dy * (1 - y) * y`.
public struct Sigmoid: ElementwiseActivation, Equatable {
    public static let typeName = "sigmoid"
    public init() {}

    public func apply(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ range: Range<Int>) {
        for i in range { y[i] = 1 / (1 + Math.exponential(-x[i])) }
    }

    public func applyDerivative(
        _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ g: UnsafePointer<Double>,
        _ dx: UnsafeMutablePointer<Double>, _ range: Range<Int>
    ) {
        for i in range { dx[i] = g[i] * (1 - y[i]) * y[i] }
    }
}

/// `tanh(x)`; `dx = dy * (1 - y * y)`.
public struct Tanh: ElementwiseActivation, Equatable {
    public static let typeName = "tanh"
    public init() {}

    public func apply(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ range: Range<Int>) {
        for i in range { y[i] = Math.hyperbolicTangent(x[i]) }
    }

    public func applyDerivative(
        _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ g: UnsafePointer<Double>,
        _ dx: UnsafeMutablePointer<Double>, _ range: Range<Int>
    ) {
        for i in range { dx[i] = g[i] * (1 - y[i] * y[i]) }
    }
}
