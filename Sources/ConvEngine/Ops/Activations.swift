/// The elementwise activations: `y = f(x)` and `dx = f'(x) * dy`, any shape.
public enum Activation: Sendable, Equatable {
    /// `max(x, 0)`; the gradient at 0 is 0 (PyTorch's threshold_backward: `x <= 0 ? 0 : dy`).
    case relu
    /// `x > 0 ? x : slope * x`; the gradient at 0 is `slope` (`x > 0 ? dy : dy * slope`).
    case leakyReLU(negativeSlope: Double)
    /// `1 / (1 + exp(-x))`; `dx = dy * (1 - y) * y`.
    case sigmoid
    /// `tanh(x)`; `dx = dy * (1 - y * y)`.
    case tanh

    /// `f` applied to every element.
    public func forward(_ x: Tensor) -> Tensor {
        Tensor(shape: x.shape, data: x.data.map(value))
    }

    /// dL/dx from the layer's input `x`, its output `y` and dL/dy, all of one shape.
    ///
    /// Precondition: the three shapes are equal; otherwise the gradient is zeros of `input`'s shape.
    public func backward(input: Tensor, output: Tensor, gradOutput: Tensor) -> Tensor {
        guard input.shape == gradOutput.shape, output.shape == input.shape else { return Tensor(shape: input.shape) }
        var dx = [Double](repeating: 0, count: input.count)
        for i in 0..<dx.count {
            dx[i] = derivativeTimes(gradOutput.data[i], x: input.data[i], y: output.data[i])
        }
        return Tensor(shape: input.shape, data: dx)
    }

    /// `f(x)`.
    @inline(__always)
    public func value(_ x: Double) -> Double {
        switch self {
        case .relu: return x > 0 || x.isNaN ? x : 0
        case .leakyReLU(let slope): return x > 0 ? x : x * slope
        case .sigmoid: return 1 / (1 + Math.exponential(-x))
        case .tanh: return Math.hyperbolicTangent(x)
        }
    }

    /// `f'(x) * g`, written as PyTorch's backward kernels write it.
    @inline(__always)
    func derivativeTimes(_ g: Double, x: Double, y: Double) -> Double {
        switch self {
        case .relu: return x <= 0 ? 0 : g
        case .leakyReLU(let slope): return x > 0 ? g : g * slope
        case .sigmoid: return g * (1 - y) * y
        case .tanh: return g * (1 - y * y)
        }
    }
}
