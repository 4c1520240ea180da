import JSONCodec

/// JSON throughput on a tensor the size of the mnist request's input ([64,1,28,28] nested arrays).
///
/// Writing uses `JSONWriter`; reading uses `parseJSON`, and reports instead of timing while the
/// reader is still a placeholder. Full request decode / response encode through GradAPI can be
/// added here as further lines once that layer exists.
enum JSONSection {
    static func run(options: BenchOptions) {
        print("== JSON: nested [64,1,28,28] float64 array ==")
        var rng = SeededGenerator(state: 11)
        let values = randomValues(64 * 28 * 28, using: &rng)
        let runs = options.quick ? 5 : 15
        var body: [UInt8] = []
        let write = Samples.measure(runs: runs) { body = writeNested(values) }
        print("write (JSONWriter): \(megabytesPerSecond(body.count, write)) MB/s  \(write.summary), \(body.count) bytes")
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
        writer.beginArray()
        for n in 0..<64 {
            writer.beginArray()
            writer.beginArray()
            for row in 0..<28 {
                writer.beginArray()
                let start = n * 784 + row * 28
                writer.numbers(values[start..<start + 28])
                writer.endArray()
            }
            writer.endArray()
            writer.endArray()
        }
        writer.endArray()
        return writer.bytes
    }

    private static func megabytesPerSecond(_ bytes: Int, _ samples: Samples) -> String {
        fmt(Double(bytes) / samples.median / 1e6, digits: 0)
    }
}
