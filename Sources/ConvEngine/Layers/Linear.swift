/// linear forward and backward (torch.nn.functional.linear): `y = x W^T + b`.
///
///     x (N, F_in), W (F_out, F_in), b (F_out), y (N, F_out)
///     dx = dy W        dW = dy^T x        db = sum over n of dy[n, :]
public struct Linear: StatelessLayer, Equatable {
    public static let typeName = "linear"
    public static let inputLayout = InputLayout.features

    public var weight: Tensor  // (F_out, F_in)
    public var bias: Tensor?  // (F_out)
    public init(weight: Tensor, bias: Tensor? = nil) {
        self.weight = weight
        self.bias = bias
    }

    public func outputShape(inputShape: [Int], _ ctx: LayerContext) throws -> [Int] {
        try check(inputShape: inputShape, ctx)
        return [inputShape[0], weight.shape[0]]
    }

    /// `N * F_out * F_in` multiply-adds forward, twice that backward.
    public func cost(inputShape: [Int], outputShape: [Int]) -> LayerCost {
        LayerCost(work: 3 * Double(inputShape[0]) * Double(weight.count))
    }

    public var parameters: [NamedTensor] {
        [NamedTensor("weight", weight)] + (bias.map { [NamedTensor("bias", $0)] } ?? [])
    }

    public func replacingParameters(_ tensors: [Tensor]) -> Linear {
        Linear(weight: tensors[0], bias: bias == nil ? nil : tensors[1])
    }

    public func output(_ x: Tensor, _ ctx: LayerContext) throws -> Tensor {
        try check(inputShape: x.shape, ctx)
        let (n, fIn, fOut) = (x.shape[0], x.shape[1], weight.shape[0])
        var y = [Double](repeating: 0, count: n * fOut)
        x.data.withUnsafeBufferPointer { xb in
            weight.data.withUnsafeBufferPointer { wb in
                y.withUnsafeMutableBufferPointer { yb in
                    GEMM.multiply(
                        m: n, n: fOut, k: fIn, a: xb.baseAddress!, lda: fIn, transposeA: false,
                        b: wb.baseAddress!, ldb: fIn, transposeB: true,
                        c: yb.baseAddress!, ldc: fOut, accumulate: false)
                }
            }
        }
        if let bias {  // added after the product, as BLAS addmm does
            for row in 0..<n { for o in 0..<fOut { y[row * fOut + o] += bias.data[o] } }
        }
        return Tensor(shape: [n, fOut], data: y)
    }

    /// Gradients with respect to the input, the weight and the bias (nil without a bias).
    ///
    /// Precondition: `forward(input)` succeeds and `gradOutput` is `(N, F_out)`; otherwise the
    /// gradients are zeros of the right shapes.
    public func gradients(_ gradOutput: Tensor, input: Tensor, output: Tensor) -> LayerGradients {
        guard (try? check(inputShape: input.shape, LayerContext(index: 0, type: Self.typeName))) != nil,
            gradOutput.shape == [input.shape[0], weight.shape[0]]
        else {
            return .zeros(input: input.shape, parameters: parameters)
        }
        let (n, fIn, fOut) = (input.shape[0], input.shape[1], weight.shape[0])
        // Both products overwrite every element (accumulate: false): no zero fill.
        var dx = [Double](unsafeUninitializedCapacity: n * fIn) { _, count in count = n * fIn }
        var dw = [Double](unsafeUninitializedCapacity: fOut * fIn) { _, count in count = fOut * fIn }
        input.data.withUnsafeBufferPointer { xb in
            weight.data.withUnsafeBufferPointer { wb in
                gradOutput.data.withUnsafeBufferPointer { gb in
                    GEMM.multiply(
                        m: n, n: fIn, k: fOut, a: gb.baseAddress!, lda: fOut, transposeA: false,
                        b: wb.baseAddress!, ldb: fIn, transposeB: false, c: &dx, ldc: fIn, accumulate: false)
                    GEMM.multiply(
                        m: fOut, n: fIn, k: n, a: gb.baseAddress!, lda: fOut, transposeA: true,
                        b: xb.baseAddress!, ldb: fIn, transposeB: false, c: &dw, ldc: fIn, accumulate: false)
                }
            }
        }
        let db = bias.map { _ in Tensor(shape: [fOut], data: columnSums(gradOutput, rows: n, columns: fOut)) }
        let dW = NamedTensor("weight", Tensor(shape: weight.shape, data: dw))
        return LayerGradients(
            input: Tensor(shape: input.shape, data: dx), parameters: db.map { [dW, NamedTensor("bias", $0)] } ?? [dW])
    }

    /// `sum over n of dy[n, o]`, in row order.
    private func columnSums(_ g: Tensor, rows: Int, columns: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: columns)
        for r in 0..<rows { for c in 0..<columns { sums[c] += g.data[r * columns + c] } }
        return sums
    }

    /// Input `[N, F_in]`, weight `[F_out, F_in]` with no empty dims, bias `[F_out]`.
    func check(inputShape x: [Int], _ ctx: LayerContext) throws {
        let w = weight.shape
        guard w.count == 2, w.allSatisfy({ $0 >= 1 }) else {
            throw ctx.error(
                .shapeMismatch, field: "weight", "weight \(describe(w)) must be [out_features, in_features]")
        }
        guard x.count == 2, x.allSatisfy({ $0 >= 1 }) else {
            throw ctx.rankError("input \(describe(x)) has \(x.count) dims; linear takes [N, in_features]")
        }
        guard x[1] == w[1] else {
            throw ctx.error(
                .shapeMismatch, field: "weight",
                "input \(describe(x)) has \(x[1]) features but weight \(describe(w)) expects \(w[1])")
        }
        if let bias, bias.shape != [w[0]] {
            throw ctx.error(
                .shapeMismatch, field: "bias",
                "bias \(describe(bias.shape)) must be [\(w[0])] for weight \(describe(w))")
        }
        guard ShapeArithmetic.count([x[0], w[0]]) != nil else { throw ctx.tooLarge("the output") }
    }
}
