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
        guard fits(t.shape, outputShape) else {
            throw EngineError(
                code: "shape_mismatch",
                message: "\(what) \(describe(t.shape)) does not match the output \(describe(outputShape)) "
                    + "(it may leave out only leading 1s)",
                site: site)
        }
        return t.reshaped(outputShape)
    }
}
