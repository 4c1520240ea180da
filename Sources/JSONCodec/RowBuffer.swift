/// The numbers of the rows being read, in memory the parser owns and reuses: the rows of an open
/// rectangular block follow one another here (ContainerFrame.swift), and one `[Double]` is made
/// when a row or a block is complete (`Array.append` per number costs a uniqueness check and a
/// capacity check, and a call when it grows). Nothing is allocated until a row needs it, so
/// documents without number rows cost no allocation.
struct RowBuffer {
    private var start: UnsafeMutablePointer<Double>? = nil
    private var capacity = 0
    private(set) var count = 0

    func free() { start?.deallocate() }

    /// Drops the numbers from offset `start` on.
    mutating func truncate(to start: Int) { count = start }

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

    /// The numbers from offset `first` on as an array, copied in one block
    /// (`Array(UnsafeBufferPointer)` copies element by element through the generic sequence path).
    func array(from first: Int) -> [Double] {
        let length = count - first
        guard let start, length > 0 else { return [] }
        return [Double](unsafeUninitializedCapacity: length) { values, initialized in
            values.baseAddress!.initialize(from: start + first, count: length)
            initialized = length
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
