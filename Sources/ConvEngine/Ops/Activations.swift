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

    /// Elements per parallel chunk.
    static let grain = 65_536

    /// `f` applied to every element.
    public func forward(_ x: Tensor) -> Tensor {
        guard x.count > 0 else { return x }
        let data = [Double](unsafeUninitializedCapacity: x.count) { out, count in
            x.data.withUnsafeBufferPointer { xb in
                let (src, dst) = (xb.baseAddress!, out.baseAddress!)
                Parallel.forEachChunk(total: x.count, grain: Self.grain) { range in apply(src, dst, range) }
            }
            count = x.count
        }
        return Tensor(shape: x.shape, data: data)
    }

    /// One chunk of `forward`; the switch sits outside the loop so each loop is a plain kernel.
    private func apply(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ range: Range<Int>) {
        switch self {
        case .relu: for i in range { y[i] = x[i] > 0 || x[i].isNaN ? x[i] : 0 }
        case .leakyReLU(let slope): for i in range { y[i] = x[i] > 0 ? x[i] : x[i] * slope }
        case .sigmoid: for i in range { y[i] = 1 / (1 + Math.exponential(-x[i])) }
        case .tanh: for i in range { y[i] = Math.hyperbolicTangent(x[i]) }
        }
    }

    /// dL/dx from the layer's input `x`, its output `y` and dL/dy, all of one shape.
    ///
    /// Precondition: the three shapes are equal; otherwise the gradient is zeros of `input`'s shape.
    public func backward(input: Tensor, output: Tensor, gradOutput: Tensor) -> Tensor {
        guard input.shape == gradOutput.shape, output.shape == input.shape, input.count > 0 else {
            return Tensor(shape: input.shape)
        }
        let data = [Double](unsafeUninitializedCapacity: input.count) { out, count in
            input.data.withUnsafeBufferPointer { xb in
                output.data.withUnsafeBufferPointer { yb in
                    gradOutput.data.withUnsafeBufferPointer { gb in
                        let (x, y, g, dx) = (xb.baseAddress!, yb.baseAddress!, gb.baseAddress!, out.baseAddress!)
                        Parallel.forEachChunk(total: input.count, grain: Self.grain) { range in
                            applyDerivative(x, y, g, dx, range)
                        }
                    }
                }
            }
            count = input.count
        }
        return Tensor(shape: input.shape, data: data)
    }

    /// One chunk of `backward`, as PyTorch's backward kernels write it.
    private func applyDerivative(
        _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ g: UnsafePointer<Double>,
        _ dx: UnsafeMutablePointer<Double>, _ range: Range<Int>
    ) {
        switch self {
        case .relu: for i in range { dx[i] = x[i] <= 0 ? 0 : g[i] }
        case .leakyReLU(let slope): for i in range { dx[i] = x[i] > 0 ? g[i] : g[i] * slope }
        case .sigmoid: for i in range { dx[i] = g[i] * (1 - y[i]) * y[i] }
        case .tanh: for i in range { dx[i] = g[i] * (1 - y[i] * y[i]) }
        }
    }

    /// `f(x)` of one value.
    public func value(_ x: Double) -> Double {
        var y = 0.0
        withUnsafePointer(to: x) { xp in withUnsafeMutablePointer(to: &y) { apply(xp, $0, 0..<1) } }
        return y
    }
}
