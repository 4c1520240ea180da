import Foundation
import HTTP1
import TestSupport
import Testing

@testable import GradAPI

/// Property: random valid problems (random stacks of every layer type with random strides,
/// padding modes, dilations, groups, pools in ceil mode, every loss or a grad_output, every tensor
/// form) are answered 200 by /forward and /backward, never a 5xx, and every gradient /backward
/// returns agrees with a central difference of /forward's loss: dL/dx ~ (L(x+h) - L(x-h)) / 2h.
@Suite struct RandomProblemPropertyTests {
    let api = APIClient()

    @Test func randomValidProblems_answer200_andTheirGradientsMatchCentralDifferences() throws {
        var rng = SplitMix64(seed: 20_261_127)
        var checkedElements = 0
        for caseNumber in 0..<40 {
            var problem = RandomProblem.spatial(using: &rng)
            let shape = try outputShape(problem, caseNumber: caseNumber)
            problem.finish(outputShape: shape, using: &rng)
            let backward = try api.post("/backward", problem.json(endpointExtras: ["tensor_format": .string("flat")]))
            try #require(
                backward.status == 200, "case \(caseNumber): \(backward.status) \(backward.text)\n\(problem.json())")
            let gradients = try #require(try FoundationJSON.object(backward.body)["gradients"] as? [String: Any])
            for (name, tensor) in problem.tensors {
                let gradient = try #require(
                    gradients[name].flatMap(FlatTensor.init(response:)), "case \(caseNumber): no gradient \(name)")
                let written = name == "input" ? Array(tensor.shape.suffix(problem.inputRank)) : tensor.shape
                #expect(
                    gradient.shape == written,
                    "case \(caseNumber): \(name) gradient has shape \(gradient.shape), not \(written)")
                for index in (0..<3).map({ _ in Int.random(in: 0..<tensor.data.count, using: &rng) }) {
                    let numeric = try centralDifference(problem, name, index)
                    let analytic = gradient.data[index]
                    #expect(
                        abs(numeric - analytic) <= 1e-6 + 1e-4 * abs(analytic),
                        "case \(caseNumber): d/d\(name)[\(index)] analytic \(analytic) numeric \(numeric)\n\(problem.json())"
                    )
                    checkedElements += 1
                }
            }
        }
        #expect(checkedElements > 200)
    }

    /// The network's output shape, from /forward with no loss.
    private func outputShape(_ problem: RandomProblem, caseNumber: Int) throws -> [Int] {
        let response = try api.post("/forward", problem.json(endpointExtras: ["tensor_format": .string("flat")]))
        try #require(
            response.status == 200, "case \(caseNumber): \(response.status) \(response.text)\n\(problem.json())")
        return try #require(FlatTensor(response: try FoundationJSON.object(response.body)["output"] as Any)).shape
    }

    /// `(L(x + h) - L(x - h)) / 2h` for element `index` of tensor `name`, h = 1e-6 * max(1, |x|).
    private func centralDifference(_ problem: RandomProblem, _ name: String, _ index: Int) throws -> Double {
        let x = problem.tensors[name]!.data[index]
        let h = 1e-6 * max(1, abs(x))
        var plus = problem
        var minus = problem
        plus.tensors[name]!.data[index] = x + h
        minus.tensors[name]!.data[index] = x - h
        return (try loss(plus) - loss(minus)) / (2 * h)
    }

    /// The loss /forward reports, or sum(grad_output * output) when the problem seeds with grad_output.
    private func loss(_ problem: RandomProblem) throws -> Double {
        let response = try api.post("/forward", problem.json(endpointExtras: ["tensor_format": .string("flat")]))
        try #require(response.status == 200, "\(response.status) \(response.text)")
        let object = try FoundationJSON.object(response.body)
        guard let gradOutput = problem.gradOutput else { return try #require(object["loss"] as? Double) }
        let output = try #require(FlatTensor(response: object["output"] as Any))
        return zip(gradOutput.data, output.data).reduce(0) { $0 + $1.0 * $1.1 }
    }
}

/// A row-major tensor.
struct FlatTensor {
    var shape: [Int]
    var data: [Double]

    init(shape: [Int], data: [Double]) {
        self.shape = shape
        self.data = data
    }

    /// A response tensor in the flat form.
    init?(response: Any) {
        guard let object = response as? [String: Any], let shape = object["shape"] as? [Int],
            let data = object["data"] as? [Double]
        else { return nil }
        self.init(shape: shape, data: data)
    }

    static func random(_ shape: [Int], in range: ClosedRange<Double>, using rng: inout SplitMix64) -> FlatTensor {
        FlatTensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Double.random(in: range, using: &rng) })
    }

    /// `{"shape", "data"}`, or `{"shape", "base64"}` (little-endian float64) when `binary`.
    func json(binary: Bool) -> JSONText {
        let shapeJSON = JSONText.array(shape.map { .int($0) })
        guard binary else { return .object([("shape", shapeJSON), ("data", .array(data.map(JSONText.number)))]) }
        let bytes = data.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        return .object([("shape", shapeJSON), ("base64", .string(Data(bytes).base64EncodedString()))])
    }
}

/// Just enough of a JSON writer for the tests; numbers in Swift's shortest round-trip form.
indirect enum JSONText: CustomStringConvertible {
    case number(Double)
    case int(Int)
    case string(String)
    case bool(Bool)
    case array([JSONText])
    case object([(String, JSONText)])

    var description: String {
        switch self {
        case .number(let x): "\(x)"
        case .int(let n): "\(n)"
        case .string(let s): "\"\(s)\""
        case .bool(let b): "\(b)"
        case .array(let items): "[" + items.map(\.description).joined(separator: ",") + "]"
        case .object(let members): "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        }
    }
}
