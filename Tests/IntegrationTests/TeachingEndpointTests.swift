import Foundation
import GradClient
import Testing

/// /grade, /explain and /gradcheck on the worked example, checked against values worked by hand.
@Suite("Grading, explaining and gradient checks", .liveServer)
struct TeachingEndpointTests {
    func post(_ path: String, _ body: String) throws -> [String: Any] {
        let response = try Client(baseURL: try LiveServer.require().baseURL).post(path, json: body)
        try #require(response.status == 200, "\(path): HTTP \(response.status): \(response.text)")
        return try JSONTree.object(response.body)
    }

    @Test("a rotated kernel gradient fails with the kernel_flipped diagnosis; the right bias passes")
    func grade_rotatedKernel_isDiagnosed() throws {
        let answer = try post(
            "/grade",
            Problems.workedExample(
                adding:
                    #""submission": {"0.weight": \#(Problems.workedKernelGradientRotated), "0.bias": [-11]}"#))
        let results = try JSONTree.dictionary(answer["results"], "results")
        let weight = try JSONTree.dictionary(results["0.weight"], "results.0.weight")
        let bias = try JSONTree.dictionary(results["0.bias"], "results.0.bias")
        #expect(answer["passed"] as? Bool == false)
        #expect((answer["score"] as? NSNumber)?.doubleValue == 0.5)
        #expect(weight["passed"] as? Bool == false)
        #expect((weight["diagnosis"] as? [String: Any])?["code"] as? String == "kernel_flipped", "\(weight)")
        #expect(bias["passed"] as? Bool == true)
    }

    @Test("several submissions are graded in the order given")
    func grade_manySubmissions_keepOrder() throws {
        let answer = try post(
            "/grade",
            Problems.workedExample(
                adding: #"""
                    "submissions": [{"id": "right", "gradients": {"0.weight": \#(Problems.workedKernelGradient)}},
                                    {"id": "rotated", "gradients": {"0.weight": \#(Problems.workedKernelGradientRotated)}}]
                    """#))
        let submissions = try #require(answer["submissions"] as? [[String: Any]])
        #expect(submissions.map { $0["id"] as? String } == ["right", "rotated"])
        #expect(submissions.map { $0["passed"] as? Bool } == [true, false])
    }

    @Test("hidden feedback leaks no expected value")
    func grade_hiddenFeedback_leaksNoExpectedValue() throws {
        let answer = try post(
            "/grade",
            Problems.workedExample(
                adding:
                    #""feedback": "hidden", "submission": {"0.weight": \#(Problems.workedKernelGradientRotated)}"#))
        let weight = try JSONTree.dictionary((answer["results"] as? [String: Any])?["0.weight"], "results.0.weight")
        #expect(weight["passed"] as? Bool == false)
        #expect(weight["max_abs_error"] == nil && weight["max_rel_error"] == nil, "\(weight)")
        let mismatches = weight["mismatches"] as? [[String: Any]] ?? []
        #expect(mismatches.allSatisfy { $0["expected"] == nil && $0["submitted"] == nil }, "\(mismatches)")
    }

    @Test("explain dL/dW[0,0]: four terms dL/dz * x whose products sum to -85.8")
    func explain_kernelElement_sumsItsTerms() throws {
        let answer = try post("/explain", Problems.workedExample(adding: #""of": "0.weight", "index": [0, 0]"#))
        let value = try JSONTree.number(answer["value"], "value")
        let terms = try #require(answer["terms"] as? [[String: Any]])
        let products = try terms.map { try JSONTree.number($0["product"], "product") }
        let inputs = try terms.map { try JSONTree.number(($0["local"] as? [String: Any])?["value"], "local.value") }
        #expect(abs(value - -85.8) < 1e-12)
        #expect(inputs == [1, 3, 9, 11], "x at (2i, 2j) for stride 2")
        #expect(abs(products.reduce(0, +) - value) < 1e-12)
    }

    @Test("gradcheck on the worked example passes, analytic next to numeric")
    func gradcheck_workedExample_passes() throws {
        let answer = try post("/gradcheck", Problems.workedExample)
        #expect(answer["passed"] as? Bool == true, "\(answer)")
        let weight = try JSONTree.dictionary((answer["results"] as? [String: Any])?["0.weight"], "results.0.weight")
        let analytic = try Tensor(response: weight["analytic"], form: .nested, "analytic")
        let numeric = try Tensor(response: weight["numeric"], form: .nested, "numeric")
        #expect(analytic.shape == [2, 2])
        #expect(zip(analytic.data, [-85.8, -96.8, -129.8, -140.8]).allSatisfy { abs($0 - $1) < 1e-9 * abs($1) })
        #expect(zip(analytic.data, numeric.data).allSatisfy { abs($0 - $1) < 1e-5 * abs($0) })
    }
}
