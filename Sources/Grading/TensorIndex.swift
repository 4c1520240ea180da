import ConvEngine

/// Row-major index arithmetic on shapes, and the rank conversions between the engine's full-rank
/// tensors and the rank a request wrote a tensor in.
enum TensorIndex {
    /// Row-major strides of `shape`: the last axis has stride 1.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in shape.indices.reversed() {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    /// The multi-index of flat position `flat` in `shape`.
    static func unravel(_ flat: Int, _ shape: [Int]) -> [Int] {
        var rest = flat
        var index = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }

    /// The flat position of `index` in `shape`.
    static func ravel(_ index: [Int], _ shape: [Int]) -> Int {
        var flat = 0
        for axis in shape.indices { flat = flat * shape[axis] + index[axis] }
        return flat
    }

    /// `shape` without its leading 1s: `[1, 1, 4, 4]` -> `[4, 4]`.
    static func droppingLeadingOnes(_ shape: [Int]) -> [Int] {
        Array(shape.drop { $0 == 1 })
    }

    /// `shape` without any of its 1s: how candidate shapes are compared, so `[C]`, `[1, C]` and
    /// `[1, C, 1, 1]` all read as the same vector.
    static func squeezed(_ shape: [Int]) -> [Int] {
        shape.filter { $0 != 1 }
    }

    /// True when two shapes differ only by leading 1s (`[4, 4]` and `[1, 1, 4, 4]`).
    static func sameUpToLeadingOnes(_ a: [Int], _ b: [Int]) -> Bool {
        droppingLeadingOnes(a) == droppingLeadingOnes(b)
    }

    /// A full-rank index written in a lower rank: the leading dims (all 1) are dropped.
    static func written(_ fullIndex: [Int], rank: Int) -> [Int] {
        Array(fullIndex.suffix(rank))
    }

    /// A written-rank index promoted to `fullRank` by prefixing zeros.
    static func full(_ writtenIndex: [Int], rank fullRank: Int) -> [Int] {
        [Int](repeating: 0, count: max(0, fullRank - writtenIndex.count)) + writtenIndex
    }

    /// Walks `shape` in row-major order, calling `body(flat, offset)` where `offset` is the dot
    /// product of the multi-index with `strides` (an odometer: no division per element).
    static func forEachOffset(_ shape: [Int], _ strides: [Int], _ body: (Int, Int) -> Void) {
        let count = shape.reduce(1, *)
        guard count > 0 else { return }
        var index = [Int](repeating: 0, count: shape.count)
        var offset = 0
        for k in 0..<count {
            body(k, offset)
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < shape[axis] { break }
                offset -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// `[0,0,2,2]` as `"0,0,2,2"`: how indices appear in formulas.
    static func text(_ index: [Int]) -> String {
        index.map(String.init).joined(separator: ",")
    }
}

extension Tensor {
    /// The largest absolute value (0 for an empty tensor).
    var maxAbs: Double { data.reduce(0) { max($0, abs($1)) } }

    /// Element at a full multi-index.
    subscript(index: [Int]) -> Double {
        get { data[TensorIndex.ravel(index, shape)] }
        set { data[TensorIndex.ravel(index, shape)] = newValue }
    }
}
