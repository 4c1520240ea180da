import JSONCodec
import TestSupport

/// JSON throughput on a tensor the size of the mnist request's input ([64,1,28,28] nested arrays).
///
/// Writing uses `JSONWriter.tensor`; reading uses `parseJSON` (a reader that throws is reported,
/// not timed). Whole requests through GradAPI are timed by `APISection`.
enum JSONSection {
    static func run(options: BenchOptions) {
        print("== JSON: nested [64,1,28,28] float64 array ==")
        var rng = SplitMix64(state: 11)
        let values = randomValues(64 * 28 * 28, using: &rng)
        let runs = options.quick ? 5 : 15
        var body: [UInt8] = []
        let write = Samples.measure(runs: runs) { body = writeNested(values) }
        print(
            "write (JSONWriter): \(megabytesPerSecond(body.count, write)) MB/s  \(write.summary), \(body.count) bytes")
        do {
            let read = try Samples.measure(runs: runs) { _ = try parseJSON(body) }
            print("parse (parseJSON):  \(megabytesPerSecond(body.count, read)) MB/s  \(read.summary)")
        } catch {
            print("parse (parseJSON): not run: \(error)")
        }
    }

    /// `[[[[v, ...]]], ...]` shaped [64, 1, 28, 28].
    private static func writeNested(_ values: [Double]) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: values.count * 22)
        writer.tensor(shape: [64, 1, 28, 28], data: values)
        return writer.bytes
    }

    static func megabytesPerSecond(_ bytes: Int, _ samples: Samples) -> String {
        fmt(Double(bytes) / samples.median / 1e6, digits: 0)
    }
}
