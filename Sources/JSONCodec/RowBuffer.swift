/// The numbers of the row being read, in memory the parser owns and reuses for every row: one
/// `[Double]` is made per row when it is complete (`Array.append` per number costs a uniqueness
/// check and a capacity check, and a call when it grows).
struct RowBuffer {
    private var start: UnsafeMutablePointer<Double>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 256) {
        self.start = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    func free() { start.deallocate() }

    mutating func removeAll() { count = 0 }

    /// Makes room for `extra` more numbers.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count &+ extra > capacity { grow(to: count &+ extra) }
    }

    /// Appends `value`; the room must have been reserved.
    @inline(__always)
    mutating func appendReserved(_ value: Double) {
        start[count] = value
        count &+= 1
    }

    /// The numbers as an array, copied in one block (`Array(UnsafeBufferPointer)` copies
    /// element by element through the generic sequence path).
    var array: [Double] {
        [Double](unsafeUninitializedCapacity: count) { values, initialized in
            values.baseAddress!.initialize(from: start, count: count)
            initialized = count
        }
    }

    private mutating func grow(to needed: Int) {
        let newCapacity = max(needed, 2 * capacity)
        let newStart = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity)
        newStart.moveInitialize(from: start, count: count)
        start.deallocate()
        start = newStart
        capacity = newCapacity
    }
}
