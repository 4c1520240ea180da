import Foundation

/// A value guarded by a lock, for results gathered from several threads.
///
/// `@unchecked Sendable`: every access to `value` goes through `lock`.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withValue<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }

    var snapshot: Value { withValue { $0 } }
}

/// Real threads (not the cooperative pool, which blocking libcurl calls would starve), one per
/// index, started at once and joined by `join()`.
final class ThreadGroup: Sendable {
    private let group = DispatchGroup()

    init(count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        for index in 0..<count {
            group.enter()
            let group = self.group
            Thread.detachNewThread {
                body(index)
                group.leave()
            }
        }
    }

    func join() { group.wait() }

    /// Runs `body` on `count` threads and waits for all of them.
    static func run(count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        ThreadGroup(count: count, body).join()
    }
}
