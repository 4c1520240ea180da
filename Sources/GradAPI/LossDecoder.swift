import ConvEngine
import JSONCodec

/// Decodes `loss` (openapi.yaml, `Loss`) for a batch of `batch` samples.
///
/// Cross-entropy's target is class indices when it is a bare number or `[N]`, and probabilities when it
/// has the output's rank, or is `[K]` with N = 1 (PyTorch tells them apart by dtype; JSON has one
/// number type, so the shape decides). Class indices accept integral floats (`1.0`), not `1.5`.
struct LossDecoder {
    var tensors: TensorDecoder
    static let types = kinds.map(\.key)

    func decode(_ value: JSONValue, at path: JSONPath, batch: Int) throws -> LossSpec {
        let fields = try FieldReader(
            value, at: path, expected: "a loss object such as {\"type\": \"mse\", \"target\": ...}")
        let type = try LayerDecoder.typeName(fields, choices: Self.types, unknownCode: .unknownLoss)
        var allowed = ["type", "target", "reduction"]
        allowed += Self.ownFields[type] ?? []
        try fields.rejectUnknownKeys(allowed: allowed, context: "a \(type) loss")
        let reduction = Reduction(
            rawValue: try fields.choice("reduction", default: "mean", choices: ["mean", "sum"])!)!
        func targetPath() -> JSONPath { path.key("target") }
        let target = try tensors.decode(
            fields.required("target", what: "the values or class indices the output is compared with"), at: targetPath()
        )
        let kind = try lossKind(type, fields)
        let smoothing = type == "cross_entropy" ? try fields.number("label_smoothing", default: 0) : 0
        guard (0...1).contains(smoothing) else {
            throw APIError.invalid(
                .invalidValue, "\(path.key("label_smoothing")) must be in [0, 1]; found \(smoothing)",
                at: path.key("label_smoothing"))
        }
        return LossSpec(
            kind: kind, reduction: reduction, target: try lossTarget(kind, target, batch: batch, at: targetPath),
            labelSmoothing: smoothing)
    }

    /// The fields a loss type has beside `type`, `target` and `reduction`.
    private static let ownFields = [
        "smooth_l1": ["beta"], "huber": ["delta"], "cross_entropy": ["label_smoothing"],
        "multi_margin": ["p", "margin"],
        "svm": ["margin"],
    ]

    /// Each loss type name and how its kind (with its own fields) is read: the one list of losses.
    private static let kinds: KeyValuePairs<String, @Sendable (LossDecoder, FieldReader) throws -> LossKind> = [
        "mse": { _, _ in .mse },
        "l1": { _, _ in .l1 },
        "smooth_l1": { decoder, fields in .smoothL1(beta: try decoder.nonNegative(fields, "beta")) },
        "huber": { decoder, fields in
            let delta = try decoder.nonNegative(fields, "delta")
            guard delta > 0 else {
                throw APIError.invalid(
                    .invalidValue, "\(fields.path.key("delta")) must be positive; found 0", at: fields.path.key("delta")
                )
            }
            return .huber(delta: delta)
        },
        "cross_entropy": { _, _ in .crossEntropy },
        "nll": { _, _ in .nll },
        "bce_with_logits": { _, _ in .bceWithLogits },
        "bce": { _, _ in .bce },
        "multi_margin": { _, fields in
            let p = try fields.integer("p", default: 1, range: 1...2)
            return .multiMargin(p: p, margin: try fields.number("margin", default: 1))
        },
        "svm": { _, fields in .svm(margin: try fields.number("margin", default: 1)) },
    ]

    private func lossKind(_ type: String, _ fields: FieldReader) throws -> LossKind {
        try Self.kinds.first { $0.key == type }!.value(self, fields)  // typeName(_:choices:) admitted only these names
    }

    func nonNegative(_ fields: FieldReader, _ key: String) throws -> Double {
        let value = try fields.number(key, default: 1.0)
        guard value >= 0 else {
            throw APIError.invalid(
                .invalidValue, "\(fields.path.key(key)) must be at least 0; found \(value)", at: fields.path.key(key))
        }
        return value
    }

    private func lossTarget(_ kind: LossKind, _ target: Tensor, batch: Int, at path: () -> JSONPath) throws
        -> LossTarget
    {
        switch kind {
        case .crossEntropy:
            if target.rank == 0 || (target.rank == 1 && (batch > 1 || target.count == 1)) {
                return .classIndices(try classIndices(target, batch: batch, at: path))
            }
            return .values(target)
        case .nll, .multiMargin, .svm:
            guard target.rank <= 1 else {
                throw APIError.invalid(
                    .shapeMismatch,
                    "\(path()) has shape \(target.shape); \(kind.name) takes class indices [N] (a bare index when N = 1)",
                    at: path())
            }
            return .classIndices(try classIndices(target, batch: batch, at: path))
        case .bceWithLogits, .bce:
            if let bad = target.data.firstIndex(where: { !(0...1).contains($0) }) {
                let at = Self.elementPath(path(), flatIndex: bad, shape: target.shape)
                throw APIError.invalid(
                    .invalidValue, "\(at) is \(target.data[bad]); \(kind.name) targets must be in [0, 1]", at: at)
            }
            return .values(target)
        case .mse, .l1, .smoothL1, .huber:
            return .values(target)
        }
    }

    /// `[N]` integers (integral floats accepted), one per sample.
    private func classIndices(_ target: Tensor, batch: Int, at path: () -> JSONPath) throws -> [Int] {
        guard target.count == batch else {
            throw APIError.invalid(
                .shapeMismatch,
                "\(path()) has \(target.count) class indices; the batch has \(batch) samples, so it must be [\(batch)]",
                at: path())
        }
        return try target.data.enumerated().map { i, value in
            let at = target.rank == 0 ? path() : path().index(i)
            guard value.rounded(.towardZero) == value, value >= 0, let index = Int(exactly: value) else {
                throw APIError.invalid(
                    .invalidValue, "\(at) must be a class index (an integer, at least 0); found \(value)", at: at)
            }
            return index
        }
    }

    /// The path of the element at row-major `flatIndex` of a tensor of `shape`.
    static func elementPath(_ path: JSONPath, flatIndex: Int, shape: [Int]) -> JSONPath {
        var index: [Int] = []
        var rest = flatIndex
        for dim in shape.reversed() {
            index.insert(rest % dim, at: 0)
            rest /= dim
        }
        return path.indices(index)
    }
}
