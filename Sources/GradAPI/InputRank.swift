import ConvEngine

/// The rank the engine takes the input at, from the first layer that cares (API.md, "Ranks").
///
/// A conv or pool input is `[H, W]`, `[C, H, W]` or `[N, C, H, W]` (leading dims 1 when left out); a
/// linear input is `[in]` or `[N, in]`; a flatten-first input is taken as written, its first dim the
/// batch (as `nn.Flatten` does), at rank 2 to 4; a network of elementwise layers only keeps the input as written.
enum InputRank {
    enum Kind { case spatial(String), features, flatten, elementwise }

    static func kind(of layers: [Layer]) -> Kind {
        for layer in layers {
            switch layer {
            case .conv2d: return .spatial("conv2d")
            case .maxPool2d: return .spatial("maxpool2d")
            case .avgPool2d: return .spatial("avgpool2d")
            case .linear: return .features
            case .flatten: return .flatten
            case .relu, .leakyReLU, .sigmoid, .tanh: continue
            }
        }
        return .elementwise
    }

    /// The input reshaped to full rank (no data moves).
    static func normalise(_ input: Tensor, for layers: [Layer], at path: JSONPath) throws -> Tensor {
        switch kind(of: layers) {
        case .spatial(let type):
            guard (2...4).contains(input.rank) else {
                throw mismatch(input, at: path, expected: "\(type) takes the input as [H, W], [C, H, W] or [N, C, H, W]")
            }
            return input.reshaped(Array(repeating: 1, count: 4 - input.rank) + input.shape)
        case .features:
            guard (1...2).contains(input.rank) else {
                throw mismatch(input, at: path, expected: "linear takes the input as [in_features] or [N, in_features]")
            }
            return input.rank == 1 ? input.reshaped([1] + input.shape) : input
        case .flatten:
            guard (2...4).contains(input.rank) else {
                throw mismatch(input, at: path, expected: "flatten takes the input as [N, ...] with 2 to 4 dims")
            }
            return input
        case .elementwise:
            guard (1...4).contains(input.rank) else {
                throw mismatch(input, at: path, expected: "the input must have 1 to 4 dims")
            }
            return input
        }
    }

    private static func mismatch(_ input: Tensor, at path: JSONPath, expected: String) -> APIError {
        APIError.invalid("shape_mismatch", "\(path) has \(APIError.dims(input.rank)) \(input.shape); \(expected)", at: path)
    }
}
