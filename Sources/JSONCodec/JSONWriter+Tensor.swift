/// Tensors written as nested arrays straight from a shape and row-major data.
extension JSONWriter {
    /// Writes `data` (row-major, `shape.reduce(1, *)` elements) as nested arrays: shape `[2, 3]`
    /// gives `[[a,b,c],[d,e,f]]`; shape `[]` gives the bare number; a zero dimension gives empty
    /// arrays (`[2, 0]` -> `[[],[]]`). Numbers are formatted as `number(_:)` does.
    public mutating func tensor(shape: [Int], data: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(
            shape.reduce(1, *) == data.count, "shape \(shape) needs \(shape.reduce(1, *)) values, got \(data.count)")
        if shape.isEmpty {
            number(data[0])
            return
        }
        separate()
        if data.isEmpty {
            writeEmpty(shape[...])
        } else {
            data.withUnsafeBufferPointer { writeNested(shape: shape, values: $0) }
        }
        finishValue()
    }

    /// `[[],[]]`-style output for a shape with a zero dimension (recursion depth = rank).
    private mutating func writeEmpty(_ shape: ArraySlice<Int>) {
        appendByte(UInt8(ascii: "["))
        if let first = shape.first, first > 0, shape.count > 1 {
            for i in 0..<first {
                if i > 0 { appendByte(UInt8(ascii: ",")) }
                writeEmpty(shape.dropFirst())
            }
        }
        appendByte(UInt8(ascii: "]"))
    }

    /// Row by row: before each innermost row, close and reopen the outer arrays whose index
    /// is complete (those whose row span divides the row index; the outermost closes at the end).
    private mutating func writeNested(shape: [Int], values: UnsafeBufferPointer<Double>) {
        let rank = shape.count
        let rowLength = shape[rank - 1]
        let rowCount = values.count / rowLength
        // span[d]: how many innermost rows the array at nesting level d (d < rank - 1) holds.
        var span = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { span[d] = span[d + 1] * shape[d] }
        var chunk = ByteChunk(capacity: 1 << 16)
        defer { chunk.free() }
        for _ in 0..<rank - 1 { chunk.put(UInt8(ascii: "[")) }
        for row in 0..<rowCount {
            if chunk.room < 4 * rank + 4 { chunk.flush(into: &self) }
            if row > 0 {
                var rolled = 0
                while rolled < rank - 2 && row % span[rank - 2 - rolled] == 0 { rolled += 1 }
                for _ in 0..<rolled { chunk.put(UInt8(ascii: "]")) }
                chunk.put(UInt8(ascii: ","))
                for _ in 0..<rolled { chunk.put(UInt8(ascii: "[")) }
            }
            chunk.put(UInt8(ascii: "["))
            writeRow(values.extracting(row * rowLength..<(row + 1) * rowLength), into: &chunk)
        }
        for _ in 0..<rank - 1 { chunk.put(UInt8(ascii: "]")) }
        chunk.flush(into: &self)
    }

    /// `v,v,...,v]`: each number followed by a comma, the last comma turned into `]`. Room is
    /// checked once per block of numbers, not per number.
    @inline(__always)
    private mutating func writeRow(_ row: UnsafeBufferPointer<Double>, into chunk: inout ByteChunk) {
        let blockLength = 1024
        var blockStart = 0
        while blockStart < row.count {
            let blockEnd = min(row.count, blockStart + blockLength)
            if chunk.room < (blockEnd - blockStart) * (DoubleText.maxLength + 1) + DoubleText.scratchLength {
                chunk.flush(into: &self)
            }
            for i in blockStart..<blockEnd { chunk.putWithComma(row[i]) }
            blockStart = blockEnd
        }
        chunk.replaceLast(with: UInt8(ascii: "]"))
    }

    private mutating func appendByte(_ byte: UInt8) {
        withUnsafePointer(to: byte) { appendBytes($0, count: 1) }
    }
}

/// A scratch byte buffer that bulk writers fill and flush into a `JSONWriter` in large pieces.
struct ByteChunk {
    private let start: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var used = 0

    init(capacity: Int) {
        self.start = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    func free() { start.deallocate() }

    var room: Int { capacity - used }

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        start[used] = byte
        used += 1
    }

    @inline(__always)
    mutating func put(_ value: Double) {
        used += DoubleText.write(value, to: start + used)
    }

    /// `value` and a comma after it.
    @inline(__always)
    mutating func putWithComma(_ value: Double) {
        used += DoubleText.write(value, to: start + used)
        start[used] = UInt8(ascii: ",")
        used += 1
    }

    /// Overwrites the last byte put (a row's trailing comma).
    mutating func replaceLast(with byte: UInt8) { start[used - 1] = byte }

    mutating func flush(into writer: inout JSONWriter) {
        writer.appendBytes(start, count: used)
        used = 0
    }
}
