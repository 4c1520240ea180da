/// The elementwise activations' shared passes: `y = f(x)` and `dx = f'(x, y) * dy`, any shape, in
/// parallel chunks. Each activation (Layers/Activations.swift) gives its two loops.
public protocol ElementwiseActivation: StatelessLayer {
    /// `y[i] = f(x[i])` for `i` in `range`; the loop is the kind's own so it compiles to a plain kernel.
    func apply(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ range: Range<Int>)
    /// `dx[i] = f'(x[i], y[i]) * g[i]` for `i` in `range`, as PyTorch's backward kernel writes it.
    func applyDerivative(
        _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ g: UnsafePointer<Double>,
        _ dx: UnsafeMutablePointer<Double>, _ range: Range<Int>)
}

/// Elements per parallel chunk.
let elementwiseGrain = 65_536

extension ElementwiseActivation {
    public static var inputLayout: InputLayout { .any }

    public func outputShape(inputShape: [Int], _ ctx: LayerContext) throws -> [Int] { inputShape }

    /// Forward and backward touch each element once; counted as three operations, as before.
    public func cost(inputShape: [Int], outputShape: [Int]) -> LayerCost {
        LayerCost(work: 3 * elementCount(inputShape))
    }

    public func output(_ x: Tensor, _ ctx: LayerContext) throws -> Tensor { forward(x) }

    /// `f` applied to every element.
    public func forward(_ x: Tensor) -> Tensor {
        guard x.count > 0 else { return x }
        let data = [Double](unsafeUninitializedCapacity: x.count) { out, count in
            x.data.withUnsafeBufferPointer { xb in
                let (src, dst) = (xb.baseAddress!, out.baseAddress!)
                Parallel.forEachChunk(total: x.count, grain: elementwiseGrain) { range in
                    applyLoop(src, dst, range)
                }
            }
            count = x.count
        }
        return Tensor(shape: x.shape, data: data)
    }

    /// dL/dx from the layer's input `x`, its output `y` and dL/dy, all of one shape.
    ///
    /// Precondition: the three shapes are equal; otherwise the gradient is zeros of `input`'s shape.
    public func gradients(_ gradOutput: Tensor, input: Tensor, output: Tensor) -> LayerGradients {
        guard input.shape == gradOutput.shape, output.shape == input.shape, input.count > 0 else {
            return LayerGradients(input: Tensor(shape: input.shape))
        }
        let data = [Double](unsafeUninitializedCapacity: input.count) { out, count in
            input.data.withUnsafeBufferPointer { xb in
                output.data.withUnsafeBufferPointer { yb in
                    gradOutput.data.withUnsafeBufferPointer { gb in
                        let (x, y, g, dx) = (xb.baseAddress!, yb.baseAddress!, gb.baseAddress!, out.baseAddress!)
                        Parallel.forEachChunk(total: input.count, grain: elementwiseGrain) { range in
                            applyDerivativeLoop(x, y, g, dx, range)
                        }
                    }
                }
            }
            count = input.count
        }
        return LayerGradients(input: Tensor(shape: input.shape, data: data))
    }

    /// `apply` on `range`, through ReLU's vector loop for ReLU: the loop every forward pass runs
    /// (this file's `forward`, and a conv's fused output in Kernels/ConvActivationFusion.swift).
    @inline(__always)
    func applyLoop(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ range: Range<Int>) {
        if Self.self == ReLU.self { return ReLUVectorLoops.forward(x, y, range) }
        apply(x, y, range)
    }

    /// `applyDerivative` on `range`, through ReLU's vector loop for ReLU: the loop every backward
    /// pass runs.
    @inline(__always)
    func applyDerivativeLoop(
        _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ g: UnsafePointer<Double>,
        _ dx: UnsafeMutablePointer<Double>, _ range: Range<Int>
    ) {
        if Self.self == ReLU.self { return ReLUVectorLoops.backward(x, g, dx, range) }
        applyDerivative(x, y, g, dx, range)
    }

    /// `f(x)` of one value.
    public func value(_ x: Double) -> Double {
        var y = 0.0
        withUnsafePointer(to: x) { xp in withUnsafeMutablePointer(to: &y) { apply(xp, $0, 0..<1) } }
        return y
    }
}

/// ReLU's two loops (Layers/Activations.swift) eight lanes at a time, same values element for
/// element: `x <= 0` is false for NaN, so NaN passes forward and its gradient passes backward, as
/// `ReLU.apply` and `ReLU.applyDerivative` do; -0 gives +0 forward. The element loops there did
/// not vectorize (about 10% of cifar's step on the fused paths).
enum ReLUVectorLoops {
    static func forward(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ range: Range<Int>) {
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Double>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: v.replacing(with: 0, where: v .<= 0), as: SIMD8<Double>.self)
            i += 8
        }
        while i < range.upperBound {
            y[i] = x[i] <= 0 ? 0 : x[i]
            i += 1
        }
    }

    static func backward(
        _ x: UnsafePointer<Double>, _ g: UnsafePointer<Double>, _ dx: UnsafeMutablePointer<Double>, _ range: Range<Int>
    ) {
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Double>.self)
            let d = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Double>.self)
            UnsafeMutableRawPointer(dx + i).storeBytes(of: d.replacing(with: 0, where: v .<= 0), as: SIMD8<Double>.self)
            i += 8
        }
        while i < range.upperBound {
            dx[i] = x[i] <= 0 ? 0 : g[i]
            i += 1
        }
    }
}
