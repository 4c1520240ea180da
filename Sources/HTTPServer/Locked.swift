import Foundation

/// A value behind an `NSLock` (a pthread mutex, which ThreadSanitizer understands; the standard
/// library's futex-based `Mutex` shows up there as false races). `@unchecked Sendable`: every
/// access goes through `withLock`.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
