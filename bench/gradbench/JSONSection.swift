import ConvEngine
import GradAPI
import JSONCodec
import TestSupport

/// JSON throughput on a tensor the size of the mnist request's input ([64,1,28,28] nested arrays).
///
/// Writing uses `JSONWriter.tensor`; reading uses `parseJSON` (a reader that throws is reported,
/// not timed), and "tensor parse" is what a request's tensor costs the server: `parseJSON` and
/// then `TensorDecoder.decode`, bytes to a shape and one flat `[Double]`. Whole requests through
/// GradAPI are timed by `APISection`.
enum JSONSection {
    static func run(options: BenchOptions) {
        print("== JSON: nested [64,1,28,28] float64 array ==")
        var rng = SplitMix64(state: 11)
        let values = randomValues(64 * 28 * 28, using: &rng)
        let runs = options.quick ? 5 : 15
        var body: [UInt8] = []
        let write = Samples.measure(runs: runs) { body = writeNested(values) }
        print("write (JSONWriter): \(rates(body.count, values.count, write))  \(write.summary), \(body.count) bytes")
        do {
            let read = try Samples.measure(runs: runs) { _ = try parseJSON(body) }
            print("parse (parseJSON):  \(rates(body.count, values.count, read))  \(read.summary)")
            let decoder = TensorDecoder(maxElements: values.count)
            var tensor = Tensor(scalar: 0)
            let decode = try Samples.measure(runs: runs) { tensor = try decoder.decode(parseJSON(body), at: .root) }
            precondition(tensor.shape == [64, 1, 28, 28] && tensor.data == values, "the tensor read back differs")
            print(
                "tensor parse (parseJSON + TensorDecoder): \(rates(body.count, values.count, decode))  \(decode.summary)"
            )
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

    /// "742 MB/s, 26.8 ns/number" for the median run over `bytes` holding `numbers` numbers.
    static func rates(_ bytes: Int, _ numbers: Int, _ samples: Samples) -> String {
        "\(megabytesPerSecond(bytes, samples)) MB/s, \(fmt(samples.median / Double(numbers) * 1e9, digits: 1)) ns/number"
    }

    static func megabytesPerSecond(_ bytes: Int, _ samples: Samples) -> String {
        fmt(Double(bytes) / samples.median / 1e6, digits: 0)
    }
}
