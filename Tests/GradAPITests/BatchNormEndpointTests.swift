import Foundation
import HTTP1
import Testing

@testable import GradAPI

/// batchnorm1d / batchnorm2d through every endpoint, and their bad values answered 422 at the field.
@Suite struct BatchNormEndpointTests {
    static let client = APIClient()

    /// `[2, 2, 2, 2]` input through a batchnorm2d with `fields`, then mse against zeros.
    static func body(
        _ fields: String,
        input: String = "[[[[1, 2], [3, 4]], [[0, 1], [1, 0]]], [[[2, 2], [0, 1]], [[3, 1], [2, 2]]]]",
        extra: String = ""
    ) -> String {
        #"{"input": \#(input), "layers": [{"type": "batchnorm2d"\#(fields)}], "loss": {"type": "mse", "target": \#(input)}\#(extra)}"#
    }

    static let affine = #", "weight": [1.5, 0.5], "bias": [0.1, -0.2], "running_mean": [0, 1], "running_var": [1, 2]"#

    @Test func backward_returnsGradientsAndUpdatedBuffers() throws {
        let response = try Self.client.post("/backward", Self.body(Self.affine))
        #expect(response.status == 200, "\(response.text)")
        let body = try FoundationJSON.object(response.body)
        let gradients = try #require(body["gradients"] as? [String: Any])
        #expect(Set(gradients.keys) == ["input", "0.weight", "0.bias"])
        let buffers = try #require(body["buffers"] as? [String: Any])
        #expect(Set(buffers.keys) == ["0.running_mean", "0.running_var"])
        // Channel 0 holds 1, 2, 3, 4, 2, 2, 0, 1: mean 15/8; momentum 0.1 from 0.
        let mean = try #require(buffers["0.running_mean"] as? [Double])
        #expect(abs(mean[0] - 0.1 * 15 / 8) <= 1e-15)
    }

    @Test func evalMode_returnsNoBuffers() throws {
        let response = try Self.client.post("/forward", Self.body(Self.affine + #", "training": false"#))
        #expect(response.status == 200, "\(response.text)")
        let body = try FoundationJSON.object(response.body)
        #expect(body["buffers"] == nil)
    }

    @Test func explainGradcheckAndGrade_work() throws {
        let explain = try Self.client.post(
            "/explain", Self.body(Self.affine, extra: #", "of": "input", "index": [0, 0, 0, 0]"#))
        #expect(explain.status == 200, "\(explain.text)")
        let terms = try #require(try FoundationJSON.object(explain.body)["terms"] as? [Any])
        #expect(terms.count == 8)  // the channel's 2 images x 4 positions
        let gradcheck = try Self.client.post("/gradcheck", Self.body(Self.affine))
        let passed = try FoundationJSON.object(gradcheck.body)["passed"] as? Bool
        #expect(gradcheck.status == 200 && passed == true, "\(gradcheck.text)")
        let grade = try Self.client.post(
            "/grade", Self.body(Self.affine, extra: #", "submission": {"0.bias": [0, 0]}"#))
        #expect(grade.status == 200, "\(grade.text)")
    }

    @Test(arguments: [
        (#", "weight": [1, 2, 3]"#, "shape_mismatch", "layers[0].weight"),
        (#", "running_mean": [0, 0]"#, "invalid_value", "layers[0].running_var"),
        (#", "training": false"#, "invalid_value", "layers[0].training"),
        (#", "eps": -1"#, "invalid_value", "layers[0].eps"),
        (#", "momentum": "fast""#, "wrong_type", "layers[0].momentum"),
        (#", "affine": true"#, "unknown_field", "layers[0].affine"),
    ])
    func badValues_are422AtTheField(_ fields: String, _ code: String, _ path: String) throws {
        let response = try Self.client.post("/backward", Self.body(fields))
        #expect(response.status == 422, "\(fields): \(response.text)")
        let (got, gotPath, _) = try response.errorCodeAndPath()
        #expect(got == code && gotPath == path, "\(fields): \(response.text)")
    }

    @Test func oneValuePerChannelInTraining_is422() throws {
        let response = try Self.client.post("/backward", Self.body("", input: "[[[[1]], [[2]]]]"))
        #expect(response.status == 422, "\(response.text)")
        let (code, path, message) = try response.errorCodeAndPath()
        #expect(code == "invalid_value" && path == "layers[0].training" && message.contains("more than 1 value"))
    }
}

/// The other course layers' bad values, answered 422 at the field.
@Suite struct CourseLayerValidationTests {
    static let client = APIClient()

    @Test(arguments: [
        (#"{"type": "dropout", "p": 0.5, "mask": [[1, 0.5, 1]]}"#, "invalid_value", "layers[0].mask"),
        (#"{"type": "dropout", "p": 0.5}"#, "invalid_value", "layers[0].mask"),
        (#"{"type": "dropout", "p": 0.5, "mask": [[1, 0]]}"#, "shape_mismatch", "layers[0].mask"),
        (#"{"type": "dropout", "p": 1.5}"#, "invalid_value", "layers[0].p"),
        (#"{"type": "softmax", "dim": 2}"#, "invalid_value", "layers[0].dim"),
        (#"{"type": "log_softmax", "dim": -3}"#, "invalid_value", "layers[0].dim"),
        (#"{"type": "gelu", "approximate": "sigmoid"}"#, "invalid_value", "layers[0].approximate"),
        (#"{"type": "groupnorm", "num_groups": 2}"#, "invalid_value", "layers[0].num_groups"),
        (
            #"{"type": "conv_transpose2d", "weight": [[1]], "stride": 2, "output_padding": 2}"#, "invalid_value",
            "layers[0].output_padding"
        ),
        (#"{"type": "conv_transpose2d", "weight": [[[[1]]], [[[1]]]]}"#, "shape_mismatch", "layers[0].weight"),
        (
            #"{"type": "upsample", "scale_factor": 2, "align_corners": true}"#, "invalid_value",
            "layers[0].align_corners"
        ),
        (#"{"type": "upsample", "scale_factor": 0}"#, "invalid_value", "layers[0].scale_factor"),
        (#"{"type": "adaptive_avgpool2d"}"#, "missing_field", "layers[0].output_size"),
        (#"{"type": "groupnorm"}"#, "missing_field", "layers[0].num_groups"),
        (#"{"type": "layernorm", "normalized_shape": 4}"#, "shape_mismatch", "layers[0].normalized_shape"),
        (#"{"type": "layernorm", "normalized_shape": 3, "weight": [1, 1]}"#, "shape_mismatch", "layers[0].weight"),
    ])
    func badValues_are422AtTheField(_ layer: String, _ code: String, _ path: String) throws {
        let body = #"{"input": [[1, 2, 3]], "layers": [\#(layer)], "grad_output": [[1, 1, 1]]}"#
        let response = try Self.client.post("/backward", body)
        #expect(response.status == 422, "\(layer): \(response.text)")
        let (got, gotPath, _) = try response.errorCodeAndPath()
        #expect(got == code && gotPath == path, "\(layer): \(response.text)")
    }

    @Test func dropoutWithoutMask_isFineWhereTheMaskIsUnused() throws {
        for layer in [
            #"{"type": "dropout", "training": false}"#, #"{"type": "dropout", "p": 0}"#,
            #"{"type": "dropout", "p": 1}"#,
        ] {
            let body = #"{"input": [[1, -2, 3]], "layers": [\#(layer)], "grad_output": [[1, 1, 1]]}"#
            let response = try Self.client.post("/backward", body)
            #expect(response.status == 200, "\(layer): \(response.text)")
        }
    }
}

/// The course losses' bad values, answered 422 at the field.
@Suite struct CourseLossValidationTests {
    static let client = APIClient()

    @Test(arguments: [
        (#"{"type": "bce", "target": [[1, 0, 1]]}"#, "invalid_value", "loss", "probabilities in [0, 1]"),
        (#"{"type": "bce", "target": [[1, 0, 2]]}"#, "invalid_value", "loss.target[0][2]", "in [0, 1]"),
        (#"{"type": "multi_margin", "target": [0], "p": 3}"#, "invalid_value", "loss.p", "3"),
        (#"{"type": "svm", "target": [[0.5, 0.5, 0]]}"#, "shape_mismatch", "loss.target", "class indices"),
        (
            #"{"type": "cross_entropy", "target": [0], "label_smoothing": 1.5}"#, "invalid_value",
            "loss.label_smoothing", "[0, 1]"
        ),
        (#"{"type": "svm", "target": [0], "beta": 1}"#, "unknown_field", "loss.beta", "margin"),
    ])
    func badValues_are422AtTheField(_ loss: String, _ code: String, _ path: String, _ mention: String) throws {
        let body =
            #"{"input": [[1, 2, 3]], "layers": [{"type": "linear", "weight": [[1, 0, 0], [0, 1, 0], [0, 0, 1]]}], "loss": \#(loss)}"#
        let response = try Self.client.post("/backward", body)
        #expect(response.status == 422, "\(loss): \(response.text)")
        let (got, gotPath, message) = try response.errorCodeAndPath()
        #expect(got == code && gotPath == path && message.contains(mention), "\(loss): \(response.text)")
    }
}

/// residual blocks through the API: nested names and paths.
@Suite struct ResidualEndpointTests {
    static let client = APIClient()

    @Test func gradientsAreNamedThroughTheBlock() throws {
        let body =
            #"{"input": [[1, 2]], "layers": [{"type": "residual", "name": "res", "layers": [{"type": "linear", "name": "fc", "weight": [[1, 0], [0, 1]], "bias": [0, 1]}, {"type": "relu"}]}], "grad_output": [[1, 1]]}"#
        let response = try Self.client.post("/backward", body)
        #expect(response.status == 200, "\(response.text)")
        let gradients = try #require(try FoundationJSON.object(response.body)["gradients"] as? [String: Any])
        #expect(Set(gradients.keys) == ["input", "res.fc.weight", "res.fc.bias"])
    }

    @Test(arguments: [
        (
            #"{"type": "residual", "layers": [{"type": "linear", "weight": [[1, 0, 0], [0, 1, 0]]}]}"#,
            "shape_mismatch", "layers[0].layers"
        ),
        (
            #"{"type": "residual", "layers": [{"type": "linear", "weight": [[1, 0]]}]}"#, "shape_mismatch",
            "layers[0].layers[0].weight"
        ),
        (#"{"type": "residual", "layers": []}"#, "invalid_value", "layers[0].layers"),
        (
            #"{"type": "residual", "layers": [{"type": "relu", "name": "a"}, {"type": "tanh", "name": "a"}]}"#,
            "duplicate_name", "layers[0].layers[1]"
        ),
        (#"{"type": "residual", "layers": [{"type": "dropout", "p": 2}]}"#, "invalid_value", "layers[0].layers[0].p"),
    ])
    func badBlocks_are422AtTheInnerField(_ layer: String, _ code: String, _ path: String) throws {
        let body = #"{"input": [[1, 2, 3]], "layers": [\#(layer)], "grad_output": [[1, 1, 1]]}"#
        let response = try Self.client.post("/backward", body)
        #expect(response.status == 422, "\(layer): \(response.text)")
        let (got, gotPath, _) = try response.errorCodeAndPath()
        #expect(got == code && gotPath == path, "\(layer): \(response.text)")
    }
}
