import JSONCodec
import Testing

@testable import GradAPI

@Suite struct ExplainEndpointTests {
    @Test func lessonWeight_spellsOutTheChainRule() throws {
        let call = try GradeCall("/explain", GradeBodies.lesson(#""of": "0.weight", "index": [0, 0]"#))
        #expect(call.status == 200, "\(call.text)")
        #expect(call.json.keys == ["of", "index", "value", "formula", "board", "terms"])
        #expect(call.json["of"]?.stringValue == "0.weight" && call.json["index"]?.numbersValue == [0, 0])
        #expect(abs((call.json["value"]?.numberValue ?? 0) - -85.8) < 1e-9)
        #expect(call.json["formula"]?.stringValue == "dL/dW[0,0] = sum over n,i,j of dL/dZ[n,0,i,j] * X[n,0,2i+0,2j+0]")
        #expect(call.json["board"]?.stringValue == "dL/dw1 = dL/dz1*x1 + dL/dz2*x3 + dL/dz3*x9 + dL/dz4*x11")
        let terms = try #require(call.json["terms"]?.arrayElements)
        #expect(terms.count == 4)
        #expect(
            terms[0]["upstream"]?["of"]?.stringValue == "0"
                && terms[0]["upstream"]?["index"]?.numbersValue == [0, 0, 0, 0])
        #expect(
            terms[1]["local"]?["of"]?.stringValue == "input" && terms[1]["local"]?["index"]?.numbersValue == [0, 2])
        #expect(terms[1]["local"]?["value"]?.numberValue == 3)
        let sum = terms.compactMap { $0["product"]?.numberValue }.reduce(0, +)
        #expect(abs(sum - -85.8) < 1e-9)
    }

    @Test func moreTermsThanTheLimit_is413() throws {
        var configuration = APIConfiguration()
        configuration.maxExplainTerms = 3  // the lesson's dL/dW[0,0] sums 4 terms
        let call = try GradeCall(
            "/explain", GradeBodies.lesson(#""of": "0.weight", "index": [0, 0]"#), configuration: configuration)
        #expect(call.status == 413 && call.error.code == "too_large", "\(call.text)")
        #expect(call.error.path == "index")
    }

    @Test func lastLayer_upstreamIsTheLoss() throws {
        let call = try GradeCall("/explain", GradeBodies.lesson(#""of": "2", "index": [0, 0]"#))
        #expect(call.status == 200, "\(call.text)")
        let upstream = try #require(call.json["terms"]?[0]?["upstream"])
        #expect(upstream["of"]?.stringValue == "loss")
        #expect(upstream["formula"]?.stringValue?.hasPrefix("2 * (y_hat - y) / n") == true)
        #expect(upstream["value"]?.numberValue == -11)
    }

    @Test func biasFactor_isTheConstantOne() throws {
        let call = try GradeCall("/explain", GradeBodies.lesson(#""of": "0.bias", "index": 0"#))
        #expect(call.status == 200, "\(call.text)")
        #expect(call.json["terms"]?[0]?["local"]?.keys == ["of", "value"])
        #expect(call.json["terms"]?[0]?["local"]?["of"]?.stringValue == "constant")
    }

    @Test func paddingFactor_isFlagged() throws {
        let body = """
            {"input": [[1, 2], [3, 4]], "layers": [{"type": "conv2d", "weight": [[1, 2], [3, 4]], "padding": 1}],
             "loss": {"type": "mse", "target": [[0, 0, 0], [0, 0, 0], [0, 0, 0]]}, "of": "0.weight", "index": [0, 0]}
            """
        let call = try GradeCall("/explain", body)
        #expect(call.status == 200, "\(call.text)")
        let terms = try #require(call.json["terms"]?.arrayElements)
        #expect(terms.count == 9)
        #expect(terms[0]["local"]?["padding"]?.boolValue == true && terms[0]["local"]?["value"]?.numberValue == 0)
        #expect(terms[4]["local"]?["padding"] == nil && terms[4]["local"]?["index"]?.numbersValue == [0, 0])
    }

    @Test(arguments: [
        (#""of": "5.weight", "index": [0]"#, "unknown_gradient", "of"),
        (#""of": "0.weight", "index": [2, 0]"#, "invalid_index", "index"),
        (#""of": "0.weight", "index": [0, 0, 0]"#, "invalid_index", "index"),
        (#""of": "0.weight""#, "missing_field", "index"),
        (#""of": 3, "index": [0]"#, "wrong_type", "of"),
        (#""of": "0.weight", "index": [0.5, 0]"#, "invalid_value", "index[0]"),
    ])
    func invalidExplainFields_are422WithPath(_ extra: String, _ code: String, _ path: String) throws {
        let call = try GradeCall("/explain", GradeBodies.lesson(extra))
        #expect(call.status == 422, "\(call.text)")
        #expect(call.error.code == code && call.error.path == path, "\(call.text)")
    }

    @Test func shortForm_namesImagesAndKernels() throws {
        let body = """
            {"images": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernels": [[1, 0], [0, 1]], "grad_output": [[1, 1], [1, 1]],
             "of": "images", "index": [1, 1]}
            """
        let call = try GradeCall("/explain", body)
        #expect(call.status == 200, "\(call.text)")
        let terms = try #require(call.json["terms"]?.arrayElements)
        // x[1][1] is read by all four outputs, through kernel taps (1,1), (1,0), (0,1), (0,0).
        #expect(terms.count == 4 && terms.allSatisfy { $0["local"]?["of"]?.stringValue == "kernels" })
        #expect(call.json["value"]?.numberValue == 2)
    }
}
