import Dispatch

/// Fork-join over independent work items on every core.
enum Parallel {
    /// Runs `body(i)` for every `i` in `0..<count`, concurrently when `count > 1`.
    ///
    /// Each item must write memory no other item touches; then the result does not depend on the
    /// scheduling, which is how the engine stays bit-identical run to run.
    static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedBody(run: escapable)
            DispatchQueue.concurrentPerform(iterations: count) { box.run($0) }
        }
    }

    /// Splits `0..<total` into `chunks` contiguous ranges, the same ones on every run.
    static func range(_ chunk: Int, of chunks: Int, total: Int) -> Range<Int> {
        (chunk * total / chunks)..<((chunk + 1) * total / chunks)
    }
}

/// A work-item closure handed to `concurrentPerform`, which wants `@Sendable`.
///
/// `@unchecked Sendable` is safe here: callers give items disjoint memory to write (documented on
/// `Parallel.forEach`), only read shared inputs, and `concurrentPerform` returns after every item
/// has finished, so the closure never outlives the call that borrowed it.
private struct UncheckedBody: @unchecked Sendable {
    let run: (Int) -> Void
}

extension Parallel {
    /// At most this many chunks for `forEachChunk`: a few per core, so uneven chunks still balance.
    static let maxChunks = 16

    /// Runs `body` on contiguous chunks of `0..<total`, concurrently when there are at least two
    /// chunks of `grain` items. Chunks must write disjoint memory (see `forEach`).
    static func forEachChunk(total: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        let chunks = max(1, min(maxChunks, total / max(grain, 1)))
        if chunks == 1 {
            body(0..<total)
            return
        }
        forEach(chunks) { body(range($0, of: chunks, total: total)) }
    }
}
