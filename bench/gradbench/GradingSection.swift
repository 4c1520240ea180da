import ConvEngine
import GradAPI
import HTTP1
import JSONCodec
import TestSupport

/// Issue 16's cost: 200 submissions on the MNIST workload graded in one POST /grade through the
/// handler in-process, a mix of mistakes (one in eight right), against one POST /backward of the
/// same problem; the same 200 with a search budget of 0, so the difference is the diagnosis search's
/// own cost (JSON decoding, comparison and the response are in both); and 200 right ones.
enum GradingSection {
    static let students = 200

    static func run(options: BenchOptions) {
        print("== Grading: \(students) mnist submissions in one POST /grade (handler in-process) ==")
        var rng = SplitMix64(state: 16)
        let workload = Workload.mnist(rng: &rng, runs: 1)
        guard let truth = try? workload.network.backward(workload.input, seed: workload.seed) else {
            print("mnist: not run: backward failed")
            return
        }
        let routes = APIRoutes.all()
        let runs = options.quick ? 3 : 15
        let backward = time(routes, "/backward", WorkloadRequest.body(workload), runs: runs)
        let mixed = gradeBody(workload, (0..<students).map { submission($0, workload, truth) })
        let right = gradeBody(workload, (0..<students).map { _ in submission(0, workload, truth) })
        let mixedTime = time(routes, "/grade", mixed, runs: runs)
        print("diagnoses of the mixed submissions: " + diagnosisCounts(routes, mixed))
        let rightTime = time(routes, "/grade", right, runs: runs)
        var noSearch = APIConfiguration()
        noSearch.diagnosisBudget.maxElements = 0  // the search stops before its first candidate
        let unsearchedTime = time(APIRoutes.all(noSearch), "/grade", mixed, runs: runs)
        guard let backward, let mixedTime, let rightTime, let unsearchedTime else { return }
        let engine = Samples.measure(runs: runs) {
            _ = try? workload.network.backward(workload.input, seed: workload.seed)
        }
        print("Network.backward (engine, no JSON): \(engine.summary), \(engine.cpuSummary)")
        print("POST /backward (one backward pass, JSON in and out): \(backward.summary), \(backward.cpuSummary)")
        print(
            "POST /grade, \(students) right submissions: \(rightTime.summary), \(rightTime.cpuSummary), request \(fmt(Double(right.count) / 1e6)) MB"
        )
        print("POST /grade, \(students) mixed submissions: \(mixedTime.summary), \(mixedTime.cpuSummary)")
        print(
            "POST /grade, \(students) mixed submissions, search budget 0: \(unsearchedTime.summary), \(unsearchedTime.cpuSummary)"
        )
        let search = mixedTime.cpuMedian - unsearchedTime.cpuMedian
        print(
            "diagnosis search (CPU, mixed - mixed unsearched): \(fmt(search * 1e3)) ms for \(students) submissions = "
                + "\(fmt(search / engine.cpuMedian)) engine backward passes; whole /grade = \(fmt(mixedTime.cpuMedian / engine.cpuMedian)) "
                + "engine backward passes, \(fmt(mixedTime.cpuMedian / backward.cpuMedian)) /backward requests")
    }

    /// Student `i`'s gradients: right, or one of seven mistakes (alone or in a pair).
    private static func submission(_ i: Int, _ w: Workload, _ truth: BackwardResult) -> [(String, Tensor)] {
        let conv = w.network.layers[0] as! Conv2d
        let dW = truth.parameterGradients[0][0].tensor
        let db = truth.parameterGradients[0][1].tensor
        let dDense = truth.parameterGradients[4][0].tensor
        let dDenseBias = truth.parameterGradients[4][1].tensor
        var weight = dW
        var dense = dDense
        var extra: [(String, Tensor)] = []
        switch i % 8 {
        case 1: weight = rotated(dW)  // kernel_flipped
        case 2:
            // upstream_flipped
            weight =
                conv.gradients(input: w.input, gradOutput: rotated(truth.activationGradients[0])).parameters[0].tensor
        case 3: weight = scaled(dW, 64)  // constant_factor N
        case 4:
            // transposed
            dense = Tensor(
                shape: [1568, 10], data: (0..<dDense.count).map { k in dDense.data[(k % 10) * 1568 + k / 10] })
        case 5:
            weight = scaled(dW, -1)
            dense = scaled(dDense, -1)  // wrong_sign
        case 6:  // relu_mask_wrong
            weight = conv.gradients(input: w.input, gradOutput: truth.activationGradients[1]).parameters[0].tensor
        case 7:
            weight = scaled(
                conv.gradients(input: w.input, gradOutput: rotated(truth.activationGradients[0])).parameters[0].tensor,
                1.0 / 64)  // a pair
            extra = [("input", summedOverBatch(truth.inputGradient))]  // batch_summed, shape [1, 28, 28]
        default: break
        }
        return [("0.weight", weight), ("0.bias", db), ("4.weight", dense), ("4.bias", dDenseBias)] + extra
    }

    private static func gradeBody(_ workload: Workload, _ submissions: [[(String, Tensor)]]) -> [UInt8] {
        var body = WorkloadRequest.body(workload)
        body.removeLast()  // the problem's closing brace
        var w = JSONWriter(reservingCapacity: 1 << 24)
        w.beginArray()
        for (i, gradients) in submissions.enumerated() {
            w.beginObject()
            w.key("id")
            w.string("s\(i)")
            w.key("gradients")
            w.beginObject()
            for (name, tensor) in gradients {
                w.key(name)
                w.tensor(shape: tensor.shape, data: tensor.data)
            }
            w.endObject()
            w.endObject()
        }
        w.endArray()
        return body + Array(",\"submissions\":".utf8) + w.bytes + Array("}".utf8)
    }

    private static func time(_ routes: [Route], _ path: String, _ body: [UInt8], runs: Int) -> Samples? {
        guard let route = routes.first(where: { $0.method == "POST" && $0.path == path }) else { return nil }
        let request = HTTPRequest(
            method: "POST", target: path, headers: HTTPHeaders([("Content-Type", "application/json")]), body: body)
        let first = route.handler(request, RequestContext())
        guard first.status == 200 else {
            print(
                "\(path): not run: status \(first.status): \(String(decoding: first.body.prefix(300), as: UTF8.self))")
            return nil
        }
        return Samples.measure(runs: runs) { _ = route.handler(request, RequestContext()) }
    }

    /// "kernel_flipped x25, ..." from one /grade response: each diagnosis code and its count.
    private static func diagnosisCounts(_ routes: [Route], _ body: [UInt8]) -> String {
        guard let route = routes.first(where: { $0.method == "POST" && $0.path == "/grade" }) else { return "" }
        let request = HTTPRequest(
            method: "POST", target: "/grade", headers: HTTPHeaders([("Content-Type", "application/json")]), body: body)
        let text = String(decoding: route.handler(request, RequestContext()).body, as: UTF8.self)
        var counts: [String: Int] = [:]
        for part in text.split(separator: "\"diagnosis\":{\"code\":\"").dropFirst() {
            counts[String(part.prefix { $0 != "\"" }), default: 0] += 1
        }
        return counts.sorted { $0.key < $1.key }.map { "\($0.key) x\($0.value)" }.joined(separator: ", ")
    }

    private static func rotated(_ t: Tensor) -> Tensor {
        let plane = t.shape[t.shape.count - 2] * t.shape[t.shape.count - 1]
        var out = t
        for base in stride(from: 0, to: t.count, by: plane) {
            for p in 0..<plane { out.data[base + p] = t.data[base + plane - 1 - p] }
        }
        return out
    }

    private static func scaled(_ t: Tensor, _ c: Double) -> Tensor {
        Tensor(shape: t.shape, data: t.data.map { $0 * c })
    }

    private static func summedOverBatch(_ t: Tensor) -> Tensor {
        let size = t.count / t.shape[0]
        var out = [Double](repeating: 0, count: size)
        for k in 0..<t.count { out[k % size] += t.data[k] }
        return Tensor(shape: Array(t.shape.dropFirst()), data: out)
    }
}
