import ConvEngine
import Testing

@testable import GradAPI

/// Decoding a body into a `Problem`: ranks, defaults, names, seeds.
@Suite struct ProblemTests {
    func decode(_ body: String) throws -> Problem {
        try Problem.decode(body: Array(body.utf8)).problem
    }

    @Test func workedExampleDecodesWithDefaultsAndNames() throws {
        let problem = try decode(Body.problem())
        #expect(problem.form == .layers)
        #expect(problem.input.shape == [1, 1, 4, 4])
        #expect(problem.inputWrittenShape == [4, 4])
        #expect(problem.layerNames == ["0", "1", "2"])
        #expect(problem.gradientNames == ["input", "0.weight", "0.bias", "2.weight", "2.bias"])
        guard case let conv as Conv2d = problem.network.layers[0] else {
            Issue.record("not a conv")
            return
        }
        #expect(conv.weight.shape == [1, 1, 2, 2])
        #expect(conv.stride == Pair(2) && conv.dilation == Pair(1) && conv.groups == 1 && conv.paddingMode == .zeros)
        #expect(conv.padding == .explicit(Pair(0)))
        #expect(problem.parameter(named: "0.weight")?.writtenShape == [2, 2])
        #expect(problem.parameter(named: "0.weight")?.path.description == "layers[0].weight")
        #expect(
            problem.loss == LossSpec(kind: .mse, reduction: .mean, target: .values(Tensor(shape: [1, 1], data: [1]))))
        #expect(problem.options == ResponseOptions())
    }

    @Test func namedLayersNameTheirGradients() throws {
        let problem = try decode(
            Body.problem(
                layers: [
                    #"{"type": "conv2d", "name": "conv", "weight": [[1]]}"#, #"{"type": "flatten", "name": "flat"}"#,
                    #"{"type": "linear", "weight": [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]]}"#,
                ], loss: nil))
        #expect(problem.layerNames == ["conv", "flat", "2"])
        #expect(problem.gradientNames == ["input", "conv.weight", "2.weight"])
        #expect(problem.layerIndex(named: "flat") == 1)
    }

    @Test func intOrPairFieldsTakeIntegralFloatsAndPairs() throws {
        let problem = try decode(
            Body.problem(layers: [Body.conv(#""stride": [2.0, 1], "padding": [1, 0], "dilation": 2.0"#)], loss: nil))
        guard case let conv as Conv2d = problem.network.layers[0] else {
            Issue.record("not a conv")
            return
        }
        #expect(conv.stride == Pair(2, 1) && conv.padding == .explicit(Pair(1, 0)) && conv.dilation == Pair(2))
        for (text, padding) in [(#""valid""#, ConvPadding.valid), (#""same""#, .same)] {
            let p = try decode(Body.problem(layers: [Body.conv(#""padding": \#(text)"#)], loss: nil))
            guard case let c as Conv2d = p.network.layers[0] else { continue }
            #expect(c.padding == padding)
        }
    }

    @Test func poolDefaultsStrideToKernelSize() throws {
        let problem = try decode(
            Body.problem(
                layers: [
                    #"{"type": "maxpool2d", "kernel_size": [2, 3]}"#,
                    #"{"type": "avgpool2d", "kernel_size": 1, "stride": 1}"#,
                ], loss: nil))
        #expect(problem.layers[0] as? MaxPool2d == MaxPool2d(kernel: Pair(2, 3), stride: Pair(2, 3)))
        #expect(problem.layers[1] as? AvgPool2d == AvgPool2d(kernel: Pair(1), stride: Pair(1), countIncludePad: true))
    }

    @Test func ranksNormaliseByTheFirstShapedLayer() throws {
        #expect(
            try decode(Body.problem(input: "[[[1, 2], [3, 4]]]", layers: [#"{"type": "relu"}"#, Body.conv], loss: nil))
                .input.shape == [1, 1, 2, 2])
        #expect(try decode(Body.problem(input: "[1, 2]", layers: [Body.linear2], loss: nil)).input.shape == [1, 2])
        #expect(
            try decode(Body.problem(input: "[[1, 2]]", layers: [#"{"type": "flatten"}"#], loss: nil)).input.shape == [
                1, 2,
            ])
        #expect(try decode(Body.problem(input: "[1, 2]", layers: [#"{"type": "tanh"}"#], loss: nil)).input.shape == [2])
    }

    @Test func integralFloatsAreClassIndices() throws {
        let problem = try decode(
            Body.problem(
                input: "[[1, 2], [3, 4]]", layers: [Body.linear2],
                loss: #"{"type": "cross_entropy", "target": [1.0, 0.0]}"#))
        #expect(problem.loss?.target == .classIndices([1, 0]))
        let bare = try decode(
            Body.problem(input: "[1, 2]", layers: [Body.linear2], loss: #"{"type": "nll", "target": 1.0}"#))
        #expect(bare.loss?.target == .classIndices([1]))
    }

    @Test func crossEntropyTargetShapeChoosesIndicesOrProbabilities() throws {
        let probabilities = try decode(
            Body.problem(
                input: "[1, 2]", layers: [Body.linear2], loss: #"{"type": "cross_entropy", "target": [0.25, 0.75]}"#))
        #expect(probabilities.loss?.target == .values(Tensor(shape: [2], data: [0.25, 0.75])))
        let single = try decode(
            Body.problem(input: "[1, 2]", layers: [Body.linear2], loss: #"{"type": "cross_entropy", "target": [1]}"#))
        #expect(single.loss?.target == .classIndices([1]))
        let full = try decode(
            Body.problem(
                input: "[[1, 2], [3, 4]]", layers: [Body.linear2],
                loss: #"{"type": "cross_entropy", "target": [[0.5, 0.5], [1, 0]]}"#))
        #expect(full.loss?.target == .values(Tensor(shape: [2, 2], data: [0.5, 0.5, 1, 0])))
    }

    @Test func lossParametersDefaultAsPyTorch() throws {
        let smooth = try decode(Body.problem(loss: #"{"type": "smooth_l1", "target": [[1]], "reduction": "sum"}"#))
        #expect(smooth.loss?.kind == .smoothL1(beta: 1) && smooth.loss?.reduction == .sum)
        let huber = try decode(Body.problem(loss: #"{"type": "huber", "target": [[1]], "delta": 0.3}"#))
        #expect(huber.loss?.kind == .huber(delta: 0.3) && huber.loss?.reduction == .mean)
    }

    @Test func shortFormIsAOneLayerConv() throws {
        let problem = try decode(
            #"{"images": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernels": [[1, 0], [0, 1]], "bias": [0.5], "stride": 1, "padding": "same", "grad_output": [[1]]}"#
        )
        #expect(problem.form == .short)
        #expect(problem.gradientNames == ["images", "kernels", "bias"])
        #expect(problem.input.shape == [1, 1, 3, 3])
        #expect(problem.parameter(named: "kernels")?.writtenShape == [2, 2])
        #expect(problem.path(of: .layer(0, field: "weight"))?.description == "kernels")
        #expect(problem.path(of: .layer(0, field: "stride"))?.description == "stride")
        #expect(problem.path(of: .input)?.description == "images")
    }

    @Test func engineSitesMapToRequestPaths() throws {
        let problem = try decode(Body.problem())
        #expect(problem.path(of: .layer(2, field: "weight"))?.description == "layers[2].weight")
        #expect(problem.path(of: .layer(1, field: nil))?.description == "layers[1]")
        #expect(problem.path(of: .loss(field: "target"))?.description == "loss.target")
        #expect(problem.path(of: .gradOutput)?.description == "grad_output")
        let error = problem.apiError(EngineError(code: .kernelTooLarge, message: "m", site: .layer(0, field: "weight")))
        #expect(error.status == 422 && error.code == .kernelTooLarge && error.path == "layers[0].weight")
    }

    @Test func optionsAreRead() throws {
        let problem = try decode(
            Body.problem(extra: #", "return": ["activation_gradients"], "tensor_format": "base64""#))
        #expect(
            problem.options == ResponseOptions(tensorFormat: .base64, activations: false, activationGradients: true))
    }

    @Test func nullMeansTheDefaultAsNoneDoesInPyTorch() throws {
        let problem = try decode(
            Body.problem(
                layers: [
                    Body.conv(#""bias": null, "stride": null"#),
                    #"{"type": "maxpool2d", "kernel_size": 1, "stride": null}"#,
                ], loss: "null", extra: #", "grad_output": [[[[1]]]], "tensor_format": null"#))
        guard case let conv as Conv2d = problem.network.layers[0] else {
            Issue.record("not a conv")
            return
        }
        #expect(conv.bias == nil && conv.stride == Pair(1))
        #expect(problem.layers[1] as? MaxPool2d == MaxPool2d(kernel: Pair(1)))
        #expect(problem.loss == nil && problem.gradOutput != nil && problem.gradientNames == ["input", "0.weight"])
    }

    @Test func extraKeysAreLeftForTheEndpoint() throws {
        let (problem, object) = try Problem.decode(
            body: Array(Body.problem(extra: #", "submission": {"0.bias": [1]}"#).utf8), extraKeys: ["submission"])
        #expect(problem.gradientNames.count == 5)
        #expect(object["submission"] != nil)
    }
}

/// The bridge to the Grading module: names and written shapes.
@Suite struct GradingBridgeTests {
    @Test func shortFormNamesTranslateBothWays() throws {
        let (problem, _) = try Problem.decode(
            body: Array(
                #"{"images": [[1, 2], [3, 4]], "kernels": [[1]], "bias": [0], "grad_output": [[1, 1], [1, 1]]}"#.utf8))
        let grading = problem.gradingProblem(seed: try problem.requireSingleSeed())
        #expect(grading.writtenShapes == ["images": [2, 2], "kernels": [1, 1], "bias": [1]])
        #expect(grading.gradientNames == ["images", "kernels", "bias"])
        #expect(
            grading.target(named: "kernels") == .parameter(0, "weight") && grading.target(named: "images") == .input)
        #expect(grading.target(named: "bias") == .parameter(0, "bias") && grading.target(named: "0") == .activation(0))
        #expect(grading.target(named: "weights") == nil && grading.target(named: "0.weight") == nil)
    }

    @Test func layersFormNamesAreGradingNames() throws {
        let (problem, _) = try Problem.decode(body: Array(Body.problem().utf8))
        let grading = problem.gradingProblem(seed: try problem.requireSingleSeed())
        #expect(grading.gradientNames == problem.gradientNames)
        for name in problem.gradientNames { #expect(grading.target(named: name).map { grading.name(of: $0) } == name) }
    }
}
