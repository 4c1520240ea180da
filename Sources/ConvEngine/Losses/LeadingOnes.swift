/// The contract's shape rule for a loss target or a given dL/d(output): it may be written at full
/// rank or with any number of the output's leading 1s left out (a scalar `[]` for an output whose
/// dims are all 1). `[4, 4]` fits an output `[1, 1, 4, 4]`; `[3]` does not fit `[2, 3]`.
enum LeadingOnes {
    /// Whether `shape` is `outputShape` with some leading 1s left out (or equal to it).
    static func fits(_ shape: [Int], _ outputShape: [Int]) -> Bool {
        guard shape.count <= outputShape.count else { return false }
        let dropped = outputShape.count - shape.count
        return outputShape.prefix(dropped).allSatisfy { $0 == 1 } && Array(outputShape.dropFirst(dropped)) == shape
    }

    /// `t` viewed at the output's full rank, or an error at `site` naming both shapes.
    static func expand(_ t: Tensor, to outputShape: [Int], site: ErrorSite, what: String) throws -> Tensor {
        try check(t.shape, outputShape, site: site, what: what)
        return t.reshaped(outputShape)
    }

    /// Throws a `shape_mismatch` at `site` naming both shapes unless `shape` fits `outputShape`.
    static func check(_ shape: [Int], _ outputShape: [Int], site: ErrorSite, what: String) throws {
        guard fits(shape, outputShape) else {
            throw EngineError(
                code: .shapeMismatch,
                message: "\(what) \(describe(shape)) does not match the output \(describe(outputShape)) "
                    + "(it may leave out only leading 1s)",
                site: site)
        }
    }
}
