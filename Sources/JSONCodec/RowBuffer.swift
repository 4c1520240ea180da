/// The numbers of the row being read, in memory the parser owns and reuses for every row: one
/// `[Double]` is made per row when it is complete (`Array.append` per number costs a uniqueness
/// check and a capacity check, and a call when it grows). Nothing is allocated until a row needs
/// it, so documents without number rows cost no allocation.
struct RowBuffer {
    private var start: UnsafeMutablePointer<Double>? = nil
    private var capacity = 0
    private(set) var count = 0

    func free() { start?.deallocate() }

    mutating func removeAll() { count = 0 }

    /// Makes room for `extra` more numbers.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count &+ extra > capacity { grow(to: count &+ extra) }
    }

    /// Appends `value`; the room must have been reserved.
    @inline(__always)
    mutating func appendReserved(_ value: Double) {
        start.unsafelyUnwrapped[count] = value
        count &+= 1
    }

    /// The numbers as an array, copied in one block (`Array(UnsafeBufferPointer)` copies
    /// element by element through the generic sequence path).
    var array: [Double] {
        guard let start, count > 0 else { return [] }
        return [Double](unsafeUninitializedCapacity: count) { values, initialized in
            values.baseAddress!.initialize(from: start, count: count)
            initialized = count
        }
    }

    private mutating func grow(to needed: Int) {
        let newCapacity = max(needed, 2 * capacity, 256)
        let newStart = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity)
        if let start {
            newStart.moveInitialize(from: start, count: count)
            start.deallocate()
        }
        start = newStart
        capacity = newCapacity
    }
}
