import Foundation

@testable import ConvEngine

/// Test-only translation of a contract request (openapi.yaml, "The problem") into engine values: the
/// layers, the input at full rank, the seed, and what is needed to name and reshape the results.
struct TranslatedProblem {
    var network: Network
    var input: Tensor
    /// The input's shape as the request wrote it (its gradient gets this shape).
    var writtenInputShape: [Int]
    var loss: LossSpec?
    var gradOutput: Tensor?
    /// Layer names (`name`, or the index).
    var names: [String]
    /// Per layer, the weight and bias shapes as written (nil where the layer has none).
    var writtenWeightShapes: [[Int]?]
    var writtenBiasShapes: [[Int]?]
    /// The design card's short form: gradients are named `images`, `kernels`, `bias`.
    var shortForm: Bool

    /// Gradients by the contract's names, each in the shape its tensor was written in.
    func namedGradients(_ result: BackwardResult) -> [String: Tensor] {
        var named: [String: Tensor] = [
            (shortForm ? "images" : "input"): result.inputGradient.reshaped(writtenInputShape)
        ]
        for (i, grads) in result.parameterGradients.enumerated() {
            for gradient in grads {
                switch gradient.name {
                case "weight" where writtenWeightShapes[i] != nil:
                    named[shortForm ? "kernels" : "\(names[i]).weight"] = gradient.tensor.reshaped(
                        writtenWeightShapes[i]!)
                case "bias" where writtenBiasShapes[i] != nil:
                    named[shortForm ? "bias" : "\(names[i]).bias"] = gradient.tensor.reshaped(writtenBiasShapes[i]!)
                default:  // a block's inner parameters ("0.weight"), written at full rank in these vectors
                    named["\(names[i]).\(gradient.name)"] = gradient.tensor
                }
            }
        }
        return named
    }
}

enum ProblemTranslator {
    typealias Malformed = JSONTensor.Malformed

    static func translate(_ request: [String: Any]) throws -> TranslatedProblem {
        let shortForm = request["images"] != nil
        let layerObjects: [[String: Any]]
        let inputValue: Any?
        if shortForm {
            var conv: [String: Any] = ["type": "conv2d", "weight": request["kernels"] as Any]
            for key in ["bias", "stride", "padding", "dilation", "groups"] where request[key] != nil {
                conv[key] = request[key]
            }
            layerObjects = [conv]
            inputValue = request["images"]
        } else {
            layerObjects = (request["layers"] as? [[String: Any]]) ?? []
            inputValue = request["input"]
        }
        guard let inputValue else { throw Malformed(description: "no input") }
        let written = try JSONTensor.decode(inputValue)
        var layers: [any Layer] = []
        var weightShapes: [[Int]?] = []
        var biasShapes: [[Int]?] = []
        for object in layerObjects {
            let (layer, weightShape, biasShape) = try LayerTranslator.layer(object)
            layers.append(layer)
            weightShapes.append(weightShape)
            biasShapes.append(biasShape)
        }
        let names = layerObjects.enumerated().map { i, o in (o["name"] as? String) ?? String(i) }
        return TranslatedProblem(
            network: Network(layers: layers), input: fullRankInput(written, layers),
            writtenInputShape: written.shape, loss: try (request["loss"] as? [String: Any]).map(loss),
            gradOutput: try request["grad_output"].map(JSONTensor.decode), names: names,
            writtenWeightShapes: weightShapes, writtenBiasShapes: biasShapes, shortForm: shortForm)
    }

    /// `[H, W]` / `[C, H, W]` become `[1, 1, H, W]` / `[1, C, H, W]` before a spatial layer, `[F]`
    /// becomes `[1, F]` before a linear one (the first layer that is not elementwise decides).
    static func fullRankInput(_ x: Tensor, _ layers: [any Layer]) -> Tensor {
        let first = layers.first { $0.inputLayout != .any }
        let rank: Int
        switch first?.inputLayout {
        case .image: rank = 4
        case .sequence: rank = 3
        case .features: rank = 2
        default: rank = x.rank
        }
        guard x.rank < rank else { return x }
        return x.reshaped([Int](repeating: 1, count: rank - x.rank) + x.shape)
    }

    static func loss(_ object: [String: Any]) throws -> LossSpec {
        let type = object["type"] as? String ?? ""
        let kind: LossKind
        switch type {
        case "mse": kind = .mse
        case "l1": kind = .l1
        case "smooth_l1": kind = .smoothL1(beta: (object["beta"] as? NSNumber)?.doubleValue ?? 1)
        case "huber": kind = .huber(delta: (object["delta"] as? NSNumber)?.doubleValue ?? 1)
        case "cross_entropy": kind = .crossEntropy
        case "nll": kind = .nll
        case "bce_with_logits": kind = .bceWithLogits
        case "bce": kind = .bce
        case "multi_margin":
            kind = .multiMargin(
                p: (object["p"] as? NSNumber)?.intValue ?? 1, margin: (object["margin"] as? NSNumber)?.doubleValue ?? 1)
        case "svm": kind = .svm(margin: (object["margin"] as? NSNumber)?.doubleValue ?? 1)
        default: throw Malformed(description: "unknown loss \(type)")
        }
        let reduction = Reduction(rawValue: object["reduction"] as? String ?? "mean") ?? .mean
        guard let target = object["target"] else { throw Malformed(description: "loss without target") }
        return LossSpec(
            kind: kind, reduction: reduction, target: .values(try JSONTensor.decode(target)),
            labelSmoothing: (object["label_smoothing"] as? NSNumber)?.doubleValue ?? 0)
    }
}
