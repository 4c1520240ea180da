/// A rectangular array of arrays of numbers (a tensor body, `[[1,2],[3,4]]`) held as one
/// row-major `[Double]` and its shape, as the parser reads it: no array per row, no value per
/// sub-array. `shape` has at least 2 dims, each at least 1; `data.count` is their product.
public struct NumberBlock: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Double]

    public init(shape: [Int], data: [Double]) {
        precondition(shape.count >= 2 && shape.allSatisfy { $0 >= 1 }, "a number block has 2+ dims of 1+: \(shape)")
        precondition(data.count == shape.reduce(1, *), "shape \(shape) needs \(shape.reduce(1, *)) numbers")
        self.shape = shape
        self.data = data
    }

    /// The outer array's elements: the rows as `.numbers` (2 dims), else sub-blocks.
    public var elements: [JSONValue] {
        let inner = Array(shape.dropFirst())
        let span = data.count / shape[0]
        return (0..<shape[0]).map { i in
            let part = Array(data[i * span..<(i + 1) * span])
            return inner.count == 1 ? .numbers(part) : .numberBlock(NumberBlock(shape: inner, data: part))
        }
    }

    /// The same JSON as `.array` of `.array`s down to `.numbers` rows: the tree a parser without
    /// blocks builds.
    public var nestedValue: JSONValue {
        .array(
            elements.map { element in
                if case .numberBlock(let block) = element { return block.nestedValue }
                return element
            })
    }
}
