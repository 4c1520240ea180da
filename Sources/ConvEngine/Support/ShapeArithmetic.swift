/// Overflow-safe shape arithmetic: sizes computed from request values (padding `10^15`, a kernel
/// of `2^62`) must become a `too_large` error, never an integer-overflow trap.
enum ShapeArithmetic {
    /// The largest element count (and scratch-buffer size) the engine will allocate: 2^31.
    static let maxElements = 1 << 31

    /// `a * b`, or nil when it overflows.
    static func product(_ a: Int, _ b: Int) -> Int? {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : value
    }

    /// `a + b`, or nil when it overflows.
    static func sum(_ a: Int, _ b: Int) -> Int? {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : value
    }

    /// The product of `dims`, or nil when it overflows or exceeds `maxElements`.
    static func count(_ dims: [Int]) -> Int? {
        var total = 1
        for d in dims {
            guard let next = product(total, d), next <= maxElements else { return nil }
            total = next
        }
        return total
    }
}

/// `[2, 1, 3, 3]`: a shape as error messages write it.
func describe(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}

/// Builds errors for one layer: "layer 2 (<type>): ..." at `.layer(2, field:)`. Inside a block
/// (`Residual`) the layer is `layers[i]` of the block's layer: fields become `"layers[i].stride"`.
public struct LayerContext: Sendable {
    var index: Int
    var type: String
    /// `"layers[1]"` for layer 1 of a block, nil for a network's own layers.
    var innerPath: String? = nil

    public init(index: Int, type: String) {
        self.index = index
        self.type = type
    }

    /// The context of inner layer `i` of this block layer.
    func inner(_ i: Int, _ innerType: String) -> LayerContext {
        var context = LayerContext(index: index, type: "\(type) > \(innerType)")
        context.innerPath = (innerPath.map { $0 + "." } ?? "") + "layers[\(i)]"
        return context
    }

    private func field(_ name: String?) -> String? {
        guard let innerPath else { return name }
        return name.map { "\(innerPath).\($0)" } ?? innerPath
    }

    func error(_ code: ErrorCode, field: String? = nil, _ message: String) -> EngineError {
        EngineError(
            code: code, message: "layer \(index) (\(type)): \(message)", site: .layer(index, field: self.field(field)))
    }

    /// A `too_large` error for a size that overflows or exceeds `ShapeArithmetic.maxElements`.
    func tooLarge(_ what: String) -> EngineError {
        error(.tooLarge, "\(what) exceeds \(ShapeArithmetic.maxElements) elements")
    }

    /// Requires an input of `[N, C, H, W]` with no empty dimension; the site is `.input` for layer 0.
    func requireImage(_ shape: [Int], takes form: String = "[N, C, H, W]") throws {
        guard shape.count == 4 else {
            throw rankError("input \(describe(shape)) has \(shape.count) dims; \(type) takes \(form)")
        }
        guard shape.allSatisfy({ $0 >= 1 }) else {
            throw rankError("input \(describe(shape)) has an empty dimension")
        }
    }

    /// A shape error about the layer's input: at `.input` when this is the first layer.
    func rankError(_ message: String) -> EngineError {
        let site: ErrorSite = index == 0 && innerPath == nil ? .input : .layer(index, field: field(nil))
        return EngineError(code: .shapeMismatch, message: "layer \(index) (\(type)): \(message)", site: site)
    }
}
