import ConvEngine

/// The rank the engine takes the input at, from the first layer whose kind cares (openapi.yaml, `Problem`;
/// each kind's `inputLayout`).
///
/// An image input is `[H, W]`, `[C, H, W]` or `[N, C, H, W]` (leading dims 1 when left out); a
/// features input is `[in]` or `[N, in]`; a batch-first input is taken as written, its first dim the
/// batch (as a reshape to `[N, features]` takes it), at rank 2 to 4; a network of elementwise layers only keeps the input as written.
enum InputRank {
    /// The input reshaped to full rank (no data moves).
    static func normalise(_ input: Tensor, for layers: [any Layer], at path: JSONPath) throws -> Tensor {
        let first = layers.first { $0.inputLayout != .any }
        let type = first?.typeName ?? ""
        switch first?.inputLayout ?? .any {
        case .image:
            guard (2...4).contains(input.rank) else {
                throw mismatch(
                    input, at: path, expected: "\(type) takes the input as [H, W], [C, H, W] or [N, C, H, W]")
            }
            return input.reshaped(Array(repeating: 1, count: 4 - input.rank) + input.shape)
        case .sequence:
            guard (1...3).contains(input.rank) else {
                throw mismatch(input, at: path, expected: "\(type) takes the input as [L], [C, L] or [N, C, L]")
            }
            return input.reshaped(Array(repeating: 1, count: 3 - input.rank) + input.shape)
        case .features:
            guard (1...2).contains(input.rank) else {
                throw mismatch(
                    input, at: path, expected: "\(type) takes the input as [in_features] or [N, in_features]")
            }
            return input.rank == 1 ? input.reshaped([1] + input.shape) : input
        case .batchFirst:
            guard (2...4).contains(input.rank) else {
                throw mismatch(input, at: path, expected: "\(type) takes the input as [N, ...] with 2 to 4 dims")
            }
            return input
        case .any:
            guard (1...4).contains(input.rank) else {
                throw mismatch(input, at: path, expected: "the input must have 1 to 4 dims")
            }
            return input
        }
    }

    private static func mismatch(_ input: Tensor, at path: JSONPath, expected: String) -> APIError {
        APIError.invalid(
            .shapeMismatch, "\(path) has \(APIError.dims(input.rank)) \(input.shape); \(expected)", at: path)
    }
}
