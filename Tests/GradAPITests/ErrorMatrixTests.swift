import HTTP1
import Testing

@testable import GradAPI

/// One row of the error matrix: a request and the status, code and path the contract gives it.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    var label: String
    var endpoint = "/backward"
    var body: String
    var contentType: String? = "application/json"
    var status: Int
    var code: String
    var path: String?
    /// Words the message must contain (what was expected and what was found).
    var mentions: [String] = []

    var testDescription: String { label }
}

/// A valid problem with one part replaced, so each row isolates one mistake.
enum Body {
    static let input = "[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]"
    static let conv = #"{"type": "conv2d", "weight": [[1, 0], [0, -1]], "bias": [0.5], "stride": 2}"#
    static let linear = #"{"type": "linear", "weight": [[0.1, 0.2, 0.3, 0.4]], "bias": [0]}"#
    static let loss = #"{"type": "mse", "target": [[1.0]]}"#

    /// The worked example with `input`, `layers` or `loss` replaced, or members appended.
    static func problem(input: String = input, layers: [String]? = nil, loss: String? = loss, extra: String = "")
        -> String
    {
        let layers = layers ?? [conv, #"{"type": "flatten"}"#, linear]
        let lossMember = loss.map { #", "loss": \#($0)"# } ?? ""
        return #"{"input": \#(input), "layers": [\#(layers.joined(separator: ", "))]\#(lossMember)\#(extra)}"#
    }

    static func conv(_ fields: String) -> String { #"{"type": "conv2d", "weight": [[1, 0], [0, -1]], \#(fields)}"# }
}

/// Every 4xx row of openapi.yaml's error table, each with its code and path, through the handler seam.
@Suite struct ErrorMatrixTests {
    static let client = APIClient(APIConfiguration(maxTensorElements: 1_000, maxWork: 1_000_000))

    static let cases: [ErrorCase] = [
        // 400 invalid_json
        ErrorCase(label: "not JSON", body: "{\"input\": [1, 2", status: 400, code: "invalid_json", mentions: ["byte"]),
        ErrorCase(
            label: "NaN", body: Body.problem(input: "[NaN]"), status: 400, code: "invalid_json", mentions: ["byte"]),
        ErrorCase(label: "Infinity", body: Body.problem(input: "[Infinity]"), status: 400, code: "invalid_json"),
        ErrorCase(label: "empty body", body: "", status: 400, code: "invalid_json"),
        ErrorCase(
            label: "nesting deeper than 64",
            body: String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
            status: 400, code: "invalid_json"),
        // 415
        ErrorCase(
            label: "no Content-Type", body: Body.problem(), contentType: nil, status: 415,
            code: "unsupported_media_type"),
        ErrorCase(
            label: "text/plain", body: Body.problem(), contentType: "text/plain", status: 415,
            code: "unsupported_media_type"),
        ErrorCase(
            label: "application/jsonx", body: Body.problem(), contentType: "application/jsonx", status: 415,
            code: "unsupported_media_type"),
        // 413
        ErrorCase(
            label: "tensor over the element limit", body: Body.problem(input: #"{"shape": [40, 40], "data": [0]}"#),
            status: 413, code: "too_large", path: "input"),
        ErrorCase(
            label: "work over the limit",
            body: Body.problem(
                input: #"{"shape": [1, 1, 30, 30], "base64": "\#(String(repeating: "A", count: 9600))"}"#,
                layers: [
                    #"{"type": "conv2d", "weight": {"shape": [20, 1, 3, 3], "data": [\#(Array(repeating: "0", count: 180).joined(separator: ","))]}}"#
                ],
                loss: nil, extra: #", "grad_output": 0"#),
            status: 413, code: "too_large"),
        ErrorCase(
            label: "malformed tensor claiming a huge shape",
            body: Body.problem(input: #"{"shape": [100000, 100000], "data": "x"}"#),
            status: 422, code: "wrong_type", path: "input.data"),
        ErrorCase(
            label: "padding that makes a huge activation",
            body: Body.problem(layers: [Body.conv(#""padding": 1000"#)], loss: nil, extra: #", "grad_output": 0"#),
            status: 413, code: "too_large"),
        // 422: the body is JSON but not a problem
        ErrorCase(label: "top level not an object", body: "[1, 2]", status: 422, code: "wrong_type", path: nil),
        ErrorCase(
            label: "no input", body: #"{"layers": [{"type": "relu"}], "grad_output": 1}"#, status: 422,
            code: "missing_field", path: "input"),
        ErrorCase(
            label: "no layers", body: #"{"input": [1, 2], "grad_output": 1}"#, status: 422, code: "missing_field",
            path: "layers"),
        ErrorCase(
            label: "empty layers", body: Body.problem(layers: []), status: 422, code: "invalid_value", path: "layers"),
        ErrorCase(
            label: "unknown top-level member", body: Body.problem(extra: #", "los": 1"#), status: 422,
            code: "unknown_field", path: "los"),
        ErrorCase(
            label: "layers and short form mixed", body: Body.problem(extra: #", "kernels": [[1]]"#), status: 422,
            code: "invalid_request",
            path: "input"),
        // layers
        ErrorCase(
            label: "unknown layer type", body: Body.problem(layers: [#"{"type": "conv3d"}"#]), status: 422,
            code: "unknown_layer",
            path: "layers[0].type", mentions: ["conv3d", "conv2d"]),
        ErrorCase(
            label: "layer without type", body: Body.problem(layers: [#"{"weight": [[1]]}"#]), status: 422,
            code: "missing_field", path: "layers[0].type"),
        ErrorCase(
            label: "layer not an object", body: Body.problem(layers: ["3"]), status: 422, code: "wrong_type",
            path: "layers[0]"),
        ErrorCase(
            label: "conv without weight", body: Body.problem(layers: [#"{"type": "conv2d"}"#]), status: 422,
            code: "missing_field",
            path: "layers[0].weight"),
        ErrorCase(
            label: "typo in a layer field", body: Body.problem(layers: [Body.conv(#""strides": 2"#)]), status: 422,
            code: "unknown_field",
            path: "layers[0].strides", mentions: ["stride"]),
        ErrorCase(
            label: "stride 0", body: Body.problem(layers: [Body.conv(#""stride": 0"#)]), status: 422,
            code: "invalid_value", path: "layers[0].stride"),
        ErrorCase(
            label: "stride 1.5", body: Body.problem(layers: [Body.conv(#""stride": 1.5"#)]), status: 422,
            code: "invalid_value", path: "layers[0].stride"),
        ErrorCase(
            label: "stride a string", body: Body.problem(layers: [Body.conv(#""stride": "2""#)]), status: 422,
            code: "wrong_type", path: "layers[0].stride"),
        ErrorCase(
            label: "stride a triple", body: Body.problem(layers: [Body.conv(#""stride": [1, 2, 3]"#)]), status: 422,
            code: "wrong_type",
            path: "layers[0].stride", mentions: ["[h, w]", "3"]),
        ErrorCase(
            label: "stride pair element bad", body: Body.problem(layers: [Body.conv(#""stride": [1, -2]"#)]),
            status: 422, code: "invalid_value",
            path: "layers[0].stride[1]"),
        ErrorCase(
            label: "padding negative", body: Body.problem(layers: [Body.conv(#""padding": -1"#)]), status: 422,
            code: "invalid_value", path: "layers[0].padding"),
        ErrorCase(
            label: "padding an unknown word", body: Body.problem(layers: [Body.conv(#""padding": "full""#)]),
            status: 422, code: "invalid_value",
            path: "layers[0].padding", mentions: ["same", "full"]),
        ErrorCase(
            label: "padding_mode unknown", body: Body.problem(layers: [Body.conv(#""padding_mode": "mirror""#)]),
            status: 422, code: "invalid_value",
            path: "layers[0].padding_mode"),
        ErrorCase(
            label: "groups 0", body: Body.problem(layers: [Body.conv(#""groups": 0"#)]), status: 422,
            code: "invalid_value", path: "layers[0].groups"),
        ErrorCase(
            label: "conv weight of rank 3",
            body: Body.problem(layers: [#"{"type": "conv2d", "weight": [[[1, 0], [0, -1]]]}"#]), status: 422,
            code: "shape_mismatch", path: "layers[0].weight", mentions: ["3 dims", "[kh, kw]"]),
        ErrorCase(
            label: "conv bias of the wrong length", body: Body.problem(layers: [Body.conv(#""bias": [1, 2]"#)]),
            status: 422,
            code: "shape_mismatch", path: "layers[0].bias"),
        ErrorCase(
            label: "pool without kernel_size", body: Body.problem(layers: [#"{"type": "maxpool2d", "stride": 2}"#]),
            status: 422,
            code: "missing_field", path: "layers[0].kernel_size"),
        ErrorCase(
            label: "kernel_size in the third layer",
            body: Body.problem(layers: [
                #"{"type": "relu"}"#, #"{"type": "relu"}"#, #"{"type": "avgpool2d", "kernel_size": 0}"#,
            ]),
            status: 422, code: "invalid_value", path: "layers[2].kernel_size"),
        ErrorCase(
            label: "dilation is not an avgpool field",
            body: Body.problem(layers: [#"{"type": "avgpool2d", "kernel_size": 2, "dilation": 2}"#]),
            status: 422, code: "unknown_field", path: "layers[0].dilation"),
        ErrorCase(
            label: "ceil_mode not a boolean",
            body: Body.problem(layers: [#"{"type": "maxpool2d", "kernel_size": 2, "ceil_mode": 1}"#]),
            status: 422, code: "wrong_type", path: "layers[0].ceil_mode"),
        ErrorCase(
            label: "linear weight of rank 1",
            body: Body.problem(input: "[1, 2]", layers: [#"{"type": "linear", "weight": [1, 2]}"#]), status: 422,
            code: "shape_mismatch", path: "layers[0].weight"),
        ErrorCase(
            label: "duplicate layer names",
            body: Body.problem(layers: [#"{"type": "relu", "name": "a"}"#, #"{"type": "relu", "name": "a"}"#]),
            status: 422, code: "duplicate_name", path: "layers[1].name"),
        ErrorCase(
            label: "name that shadows a default index",
            body: Body.problem(layers: [#"{"type": "relu", "name": "1"}"#, #"{"type": "relu"}"#]),
            status: 422, code: "duplicate_name", path: "layers[1]"),
        ErrorCase(
            label: "name with a dot", body: Body.problem(layers: [#"{"type": "relu", "name": "a.b"}"#]), status: 422,
            code: "invalid_value",
            path: "layers[0].name"),
        // tensors
        ErrorCase(
            label: "ragged input", body: Body.problem(input: "[[1, 2], [3]]"), status: 422, code: "invalid_tensor",
            path: "input[1]",
            mentions: ["rectangular"]),
        ErrorCase(
            label: "empty dimension", body: Body.problem(input: "[[], []]"), status: 422, code: "invalid_tensor",
            path: "input[0]"),
        ErrorCase(
            label: "non-number element", body: Body.problem(input: #"[[1, "2"], [3, 4]]"#), status: 422,
            code: "invalid_tensor", path: "input[0][1]"),
        ErrorCase(
            label: "null element", body: Body.problem(input: "[[1, null]]"), status: 422, code: "invalid_tensor",
            path: "input[0][1]"),
        ErrorCase(
            label: "a string tensor", body: Body.problem(input: #""abc""#), status: 422, code: "wrong_type",
            path: "input"),
        ErrorCase(
            label: "overflowing number", body: Body.problem(input: "[[1, 1e999], [3, 4]]"), status: 422,
            code: "non_finite_number",
            path: "input[0][1]"),
        ErrorCase(
            label: "overflowing number in a loss field",
            body: Body.problem(loss: #"{"type": "huber", "target": [[1]], "delta": -1e999}"#),
            status: 422, code: "non_finite_number", path: "loss.delta"),
        ErrorCase(
            label: "shape/data length mismatch", body: Body.problem(input: #"{"shape": [4, 4], "data": [1, 2, 3]}"#),
            status: 422,
            code: "shape_mismatch", path: "input.data", mentions: ["3", "16"]),
        ErrorCase(
            label: "shape with a zero", body: Body.problem(input: #"{"shape": [4, 0], "data": []}"#), status: 422,
            code: "invalid_value",
            path: "input.shape[1]"),
        ErrorCase(
            label: "tensor object without data", body: Body.problem(input: #"{"shape": [2]}"#), status: 422,
            code: "missing_field", path: "input"),
        ErrorCase(
            label: "tensor object with an unknown member",
            body: Body.problem(input: #"{"shape": [1], "data": [1], "dtype": "float16"}"#),
            status: 422, code: "invalid_request", path: "input.dtype"),
        ErrorCase(
            label: "bad base64", body: Body.problem(input: #"{"shape": [1], "base64": "AAAA!AAAAAA="}"#), status: 422,
            code: "invalid_base64",
            path: "input.base64"),
        ErrorCase(
            label: "base64 of the wrong length",
            body: Body.problem(input: #"{"shape": [2], "base64": "AAAAAAAA8D8="}"#), status: 422,
            code: "shape_mismatch", path: "input.base64", mentions: ["8 bytes", "16"]),
        ErrorCase(
            label: "non-finite base64 value", body: Body.problem(input: #"{"shape": [1], "base64": "AAAAAAAA8H8="}"#),
            status: 422,
            code: "non_finite_number", path: "input.base64"),
        ErrorCase(
            label: "unknown dtype",
            body: Body.problem(input: #"{"shape": [1], "base64": "AAAAAAAA8D8=", "dtype": "int8"}"#), status: 422,
            code: "invalid_value", path: "input.dtype"),
        ErrorCase(
            label: "input of rank 5 for a conv", body: Body.problem(input: "[[[[[1]]]]]"), status: 422,
            code: "shape_mismatch", path: "input",
            mentions: ["5 dims", "[H, W]"]),
        // loss
        ErrorCase(
            label: "unknown loss", body: Body.problem(loss: #"{"type": "kl_div", "target": [[1]]}"#), status: 422,
            code: "unknown_loss",
            path: "loss.type"),
        ErrorCase(
            label: "loss without target", body: Body.problem(loss: #"{"type": "mse"}"#), status: 422,
            code: "missing_field", path: "loss.target"),
        ErrorCase(
            label: "unknown reduction",
            body: Body.problem(loss: #"{"type": "mse", "target": [[1]], "reduction": "none"}"#), status: 422,
            code: "invalid_value", path: "loss.reduction"),
        ErrorCase(
            label: "beta on a huber loss", body: Body.problem(loss: #"{"type": "huber", "target": [[1]], "beta": 1}"#),
            status: 422,
            code: "unknown_field", path: "loss.beta"),
        ErrorCase(
            label: "negative beta", body: Body.problem(loss: #"{"type": "smooth_l1", "target": [[1]], "beta": -1}"#),
            status: 422,
            code: "invalid_value", path: "loss.beta"),
        ErrorCase(
            label: "fractional class index",
            body: Body.problem(
                input: "[[1, 2], [3, 4]]", layers: [Body.linear2],
                loss: #"{"type": "cross_entropy", "target": [0, 1.5]}"#),
            status: 422, code: "invalid_value", path: "loss.target[1]", mentions: ["1.5"]),
        ErrorCase(
            label: "negative class index",
            body: Body.problem(
                input: "[[1, 2], [3, 4]]", layers: [Body.linear2], loss: #"{"type": "nll", "target": [0, -1]}"#),
            status: 422, code: "invalid_value", path: "loss.target[1]"),
        ErrorCase(
            label: "class index out of range",
            body: Body.problem(
                input: "[[1, 2], [3, 4]]", layers: [Body.linear2], loss: #"{"type": "cross_entropy", "target": [0, 2]}"#
            ),
            status: 422, code: "invalid_value", path: "loss.target[1]"),
        ErrorCase(
            label: "class indices for the wrong batch",
            body: Body.problem(
                input: "[[1, 2], [3, 4]]", layers: [Body.linear2], loss: #"{"type": "nll", "target": [0, 1, 1]}"#),
            status: 422, code: "shape_mismatch", path: "loss.target"),
        ErrorCase(
            label: "bce target outside [0, 1]",
            body: Body.problem(loss: #"{"type": "bce_with_logits", "target": [[1.5]]}"#), status: 422,
            code: "invalid_value", path: "loss.target[0][0]"),
        // seed and options
        ErrorCase(
            label: "backward with neither loss nor grad_output", body: Body.problem(loss: nil), status: 422,
            code: "missing_field", path: "loss"),
        ErrorCase(
            label: "backward with both loss and grad_output", body: Body.problem(extra: #", "grad_output": [[1]]"#),
            status: 422, code: "invalid_request",
            path: "grad_output"),
        ErrorCase(
            label: "unknown return", body: Body.problem(extra: #", "return": ["activation"]"#), status: 422,
            code: "invalid_value", path: "return[0]"),
        ErrorCase(
            label: "return not an array", body: Body.problem(extra: #", "return": "activations""#), status: 422,
            code: "wrong_type", path: "return"),
        ErrorCase(
            label: "unknown tensor_format", body: Body.problem(extra: #", "tensor_format": "csv""#), status: 422,
            code: "invalid_value", path: "tensor_format"),
        // short form
        ErrorCase(
            label: "short form without kernels", body: #"{"images": [[1, 2], [3, 4]], "grad_output": 1}"#, status: 422,
            code: "missing_field", path: "kernels"),
        ErrorCase(
            label: "short form with a layer field",
            body: #"{"images": [[1, 2], [3, 4]], "kernels": [[1]], "type": "conv2d", "grad_output": 1}"#,
            status: 422, code: "unknown_field", path: "type"),
        ErrorCase(
            label: "short form stride",
            body: #"{"images": [[1, 2], [3, 4]], "kernels": [[1]], "stride": 0, "grad_output": 1}"#, status: 422,
            code: "invalid_value", path: "stride"),
        ErrorCase(
            label: "short form kernels of rank 1",
            body: #"{"images": [[1, 2], [3, 4]], "kernels": [1], "grad_output": 1}"#, status: 422,
            code: "shape_mismatch", path: "kernels"),
        // /forward rows
        ErrorCase(
            label: "forward: unknown layer", endpoint: "/forward",
            body: Body.problem(layers: [#"{"type": "attention"}"#]), status: 422, code: "unknown_layer",
            path: "layers[0].type"),
        ErrorCase(
            label: "forward: no Content-Type", endpoint: "/forward", body: Body.problem(), contentType: nil,
            status: 415, code: "unsupported_media_type"),
        ErrorCase(label: "forward: not JSON", endpoint: "/forward", body: "{", status: 400, code: "invalid_json"),
    ]

    @Test(arguments: cases)
    func errorRow(_ row: ErrorCase) throws {
        let response = try Self.client.post(row.endpoint, row.body, contentType: row.contentType)
        #expect(response.status.code == row.status, "\(row.label): \(response.status) \(response.text)")
        #expect(response.headers["Content-Type"] == "application/json")
        let (code, path, message) = try response.errorCodeAndPath()
        #expect(code == row.code, "\(row.label): \(response.text)")
        if let expectedPath = row.path { #expect(path == expectedPath, "\(row.label): \(response.text)") }
        for word in row.mentions {
            #expect(message.contains(word), "\(row.label): message \"\(message)\" lacks \"\(word)\"")
        }
        #expect(!message.isEmpty)
    }

    @Test func mediaTypeComparisonIsExact() {
        for contentType in [
            "application/jsonp", "application/jso", "application\u{0F}json", "text/json", "", "application/json+x",
        ] {
            #expect(MediaType.essence(of: contentType) != "application/json", "\(contentType)")
        }
    }

    @Test func wrongMediaType_handlerSeamAndRouterGiveTheSame415() throws {
        let headers = HTTPHeaders([("Content-Type", "text/plain; charset=utf-8")])
        let routes = APIRoutes.all()
        let route = try #require(routes.first { $0.method == "POST" && $0.path == "/forward" })
        let direct = route.handler(HTTPRequest(method: "POST", target: "/forward", headers: headers), RequestContext())
        guard
            case .reject(let error) = Router(routes: routes).resolve(method: "POST", path: "/forward", headers: headers)
        else {
            Issue.record("the router accepted text/plain")
            return
        }
        #expect(direct.status == 415 && error.status == 415)
        #expect(direct.body == error.response.body, "\(String(decoding: direct.body, as: UTF8.self))")
    }

    @Test func contentTypeParametersAreAccepted() throws {
        for contentType in [
            "application/json; charset=utf-8", "Application/JSON", "application/json ;charset=UTF-8",
            " application/json\t",
        ] {
            let response = try Self.client.post(
                "/backward", Body.problem(layers: [#"{"type": "relu"}"#], loss: nil, extra: #", "grad_output": 1"#),
                contentType: contentType)
            #expect(response.status != 415, "\(contentType): \(response.text)")
        }
    }
}

extension Body {
    /// A linear layer 2 -> 2.
    static let linear2 = #"{"type": "linear", "weight": [[1, 0], [0, 1]]}"#
}
