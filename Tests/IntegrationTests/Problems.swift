/// Request bodies the integration tests build in code: large or slow problems the fixtures lack.
enum Problems {
    /// The worked example of openapi.yaml (a 4x4 image, one 2x2 kernel, stride 2, dense layer, MSE).
    static let workedExample = """
        {"input": [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]],
         "layers": [{"type": "conv2d", "weight": [[1, 0], [0, -1]], "bias": [0.5], "stride": 2},
                    {"type": "flatten"},
                    {"type": "linear", "weight": [[0.1, 0.2, 0.3, 0.4]], "bias": [0]}],
         "loss": {"type": "mse", "target": [[1.0]]}}
        """

    /// The worked example with more members, e.g. `"submission": {...}`.
    static func workedExample(adding members: String) -> String {
        String(workedExample.dropLast()) + ", " + members + "}"
    }

    /// dL/dW of the worked example by hand: dW[a][b] = sum_ij dL/dz[i][j] * x[2i+a][2j+b] with
    /// dL/dz = 2 (y_hat - 1) * [0.1, 0.2, 0.3, 0.4] = [-1.1, -2.2, -3.3, -4.4].
    static let workedKernelGradient = "[[-85.8, -96.8], [-129.8, -140.8]]"
    /// The same rotated by 180 degrees: the classic "flipped the kernel" mistake.
    static let workedKernelGradientRotated = "[[-140.8, -129.8], [-96.8, -85.8]]"

    /// A /forward body over 1 MiB: a 512x512 image of 0.25s max-pooled by 8, so the answer is a
    /// (1, 1, 64, 64) tensor of 0.25s and the work is small next to the body.
    static func largeForward() -> String {
        let data = Array(repeating: "0.25", count: 512 * 512).joined(separator: ",")
        return """
            {"input": {"shape": [1, 1, 512, 512], "data": [\(data)]},
             "layers": [{"type": "maxpool2d", "kernel_size": 8}]}
            """
    }

    /// A /backward body that keeps a worker busy for a while: (1, 8, 64, 64) input, 16 5x5
    /// filters with padding 2, ReLU, 8x8 max-pool, flatten, linear to 1, MSE.
    static func slowBackward() -> String {
        """
        {"input": \(flat([1, 8, 64, 64], seed: 1)),
         "layers": [{"type": "conv2d", "weight": \(flat([16, 8, 5, 5], seed: 2)), "padding": 2},
                    {"type": "relu"}, {"type": "maxpool2d", "kernel_size": 8}, {"type": "flatten"},
                    {"type": "linear", "weight": \(flat([1, 1024], seed: 3))}],
         "loss": {"type": "mse", "target": [[0.5]]}}
        """
    }

    /// `{"shape": shape, "data": [...]}` with repeatable values in [-0.5, 0.5).
    static func flat(_ shape: [Int], seed: Int) -> String {
        let count = shape.reduce(1, *)
        let values = (0..<count).map { index in String(Double((index * 7919 + seed * 104_729) % 1000) / 1000 - 0.5) }
        return "{\"shape\": \(shape), \"data\": [\(values.joined(separator: ","))]}"
    }
}
