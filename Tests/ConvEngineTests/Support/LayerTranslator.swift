import Foundation

@testable import ConvEngine

/// Test-only translation of one layer object of a request into a `Layer`, with the weight and bias
/// shapes as written.
enum LayerTranslator {
    typealias Malformed = JSONTensor.Malformed

    static func layer(_ o: [String: Any]) throws -> (any Layer, weight: [Int]?, bias: [Int]?) {
        let type = o["type"] as? String ?? ""
        switch type {
        case "conv2d": return try conv(o)
        case "maxpool2d":
            let k = try pair(o["kernel_size"])
            let spec = MaxPool2d(
                kernel: k, stride: try o["stride"].map(pair), padding: try o["padding"].map(pair) ?? Pair(0),
                dilation: try o["dilation"].map(pair) ?? Pair(1), ceilMode: o["ceil_mode"] as? Bool ?? false)
            return (spec, nil, nil)
        case "avgpool2d":
            let spec = AvgPool2d(
                kernel: try pair(o["kernel_size"]), stride: try o["stride"].map(pair),
                padding: try o["padding"].map(pair) ?? Pair(0), ceilMode: o["ceil_mode"] as? Bool ?? false,
                countIncludePad: o["count_include_pad"] as? Bool ?? true)
            return (spec, nil, nil)
        case "relu": return (ReLU(), nil, nil)
        case "leaky_relu":
            return (LeakyReLU(negativeSlope: (o["negative_slope"] as? NSNumber)?.doubleValue ?? 0.01), nil, nil)
        case "sigmoid": return (Sigmoid(), nil, nil)
        case "tanh": return (Tanh(), nil, nil)
        case "flatten": return (Flatten(), nil, nil)
        case "linear":
            let weight = try JSONTensor.decode(o["weight"] as Any)
            let bias = try o["bias"].map(JSONTensor.decode)
            return (Linear(weight: weight, bias: bias), weight.shape, bias?.shape)
        case "batchnorm1d", "batchnorm2d": return try batchNorm(o, type)
        case "gelu":
            return (
                GELU(approximate: GELU.Approximation(rawValue: o["approximate"] as? String ?? "none") ?? .none), nil,
                nil
            )
        case "dropout":
            let mask = try o["mask"].map(JSONTensor.decode)
            let p = (o["p"] as? NSNumber)?.doubleValue ?? 0.5
            return (Dropout(p: p, training: o["training"] as? Bool ?? true, mask: mask), nil, nil)
        case "layernorm":
            let shape =
                (o["normalized_shape"] as? [NSNumber])?.map(\.intValue) ?? [
                    (o["normalized_shape"] as? NSNumber)?.intValue ?? 1
                ]
            let layer = LayerNorm(
                normalizedShape: shape, weight: try o["weight"].map(JSONTensor.decode),
                bias: try o["bias"].map(JSONTensor.decode),
                eps: (o["eps"] as? NSNumber)?.doubleValue ?? 1e-5)
            return (layer, layer.weight?.shape, layer.bias?.shape)
        case "groupnorm":
            let layer = GroupNorm(
                numGroups: (o["num_groups"] as? NSNumber)?.intValue ?? 1,
                weight: try o["weight"].map(JSONTensor.decode),
                bias: try o["bias"].map(JSONTensor.decode), eps: (o["eps"] as? NSNumber)?.doubleValue ?? 1e-5)
            return (layer, layer.weight?.shape, layer.bias?.shape)
        case "adaptive_avgpool2d": return (AdaptiveAvgPool2d(outputSize: try pair(o["output_size"])), nil, nil)
        case "upsample":
            let mode = Upsample.Mode(rawValue: o["mode"] as? String ?? "nearest") ?? .nearest
            return (
                Upsample(
                    scale: try pair(o["scale_factor"]), mode: mode, alignCorners: o["align_corners"] as? Bool ?? false),
                nil, nil
            )
        case "conv1d":
            let written = try JSONTensor.decode(o["weight"] as Any)
            let bias = try o["bias"].map(JSONTensor.decode)
            let padding: ConvPadding =
                switch o["padding"] {
                case let text as String: text == "same" ? .same : .valid
                case let number as NSNumber: .explicit(Pair(0, number.intValue))
                default: .explicit(Pair(0))
                }
            let layer = Conv1d(
                weight: written.rank == 1 ? written.reshaped([1, 1] + written.shape) : written, bias: bias,
                stride: (o["stride"] as? NSNumber)?.intValue ?? 1, padding: padding,
                dilation: (o["dilation"] as? NSNumber)?.intValue ?? 1,
                groups: (o["groups"] as? NSNumber)?.intValue ?? 1)
            return (layer, written.shape, bias?.shape)
        case "conv_transpose2d":
            let written = try JSONTensor.decode(o["weight"] as Any)
            let bias = try o["bias"].map(JSONTensor.decode)
            let layer = ConvTranspose2d(
                weight: written.rank == 2 ? written.reshaped([1, 1] + written.shape) : written, bias: bias,
                stride: try o["stride"].map(pair) ?? Pair(1), padding: try o["padding"].map(pair) ?? Pair(0),
                outputPadding: try o["output_padding"].map(pair) ?? Pair(0),
                dilation: try o["dilation"].map(pair) ?? Pair(1),
                groups: (o["groups"] as? NSNumber)?.intValue ?? 1)
            return (layer, written.shape, bias?.shape)
        case "residual":
            let inner = try (o["layers"] as? [[String: Any]] ?? []).map { try layer($0) }
            let names = (o["layers"] as? [[String: Any]] ?? []).enumerated().map { j, l in
                l["name"] as? String ?? String(j)
            }
            return (Residual(layers: inner.map(\.0), names: names), nil, nil)
        case "softmax": return (Softmax(dim: (o["dim"] as? NSNumber)?.intValue ?? 1), nil, nil)
        case "log_softmax": return (LogSoftmax(dim: (o["dim"] as? NSNumber)?.intValue ?? 1), nil, nil)
        default: throw Malformed(description: "unknown layer \(type)")
        }
    }

    private static func batchNorm(_ o: [String: Any], _ type: String) throws -> (
        any Layer, weight: [Int]?, bias: [Int]?
    ) {
        func vector(_ key: String) throws -> Tensor? { try o[key].map(JSONTensor.decode) }
        let spec = BatchNormSpec(
            weight: try vector("weight"), bias: try vector("bias"), runningMean: try vector("running_mean"),
            runningVar: try vector("running_var"), training: o["training"] as? Bool ?? true,
            momentum: (o["momentum"] as? NSNumber)?.doubleValue ?? 0.1,
            eps: (o["eps"] as? NSNumber)?.doubleValue ?? 1e-5)
        let layer: any Layer = type == "batchnorm1d" ? BatchNorm1d(spec: spec) : BatchNorm2d(spec: spec)
        return (layer, spec.weight?.shape, spec.bias?.shape)
    }

    private static func conv(_ o: [String: Any]) throws -> (any Layer, weight: [Int]?, bias: [Int]?) {
        let written = try JSONTensor.decode(o["weight"] as Any)
        let weight = written.rank == 2 ? written.reshaped([1, 1] + written.shape) : written
        let bias = try o["bias"].map(JSONTensor.decode)
        let spec = Conv2d(
            weight: weight, bias: bias, stride: try o["stride"].map(pair) ?? Pair(1),
            padding: try padding(o["padding"]), dilation: try o["dilation"].map(pair) ?? Pair(1),
            groups: (o["groups"] as? NSNumber)?.intValue ?? 1,
            paddingMode: PaddingMode(rawValue: o["padding_mode"] as? String ?? "zeros") ?? .zeros)
        return (spec, written.shape, bias?.shape)
    }

    private static func padding(_ value: Any?) throws -> ConvPadding {
        switch value {
        case nil: return .explicit(Pair(0))
        case let text as String:
            switch text {
            case "same": return .same
            case "valid": return .valid
            default: throw Malformed(description: "padding \(text)")
            }
        default: return .explicit(try pair(value))
        }
    }

    /// `k` or `[kh, kw]`, integral floats accepted.
    static func pair(_ value: Any?) throws -> Pair {
        if let n = value as? NSNumber { return Pair(Int(n.doubleValue)) }
        if let a = value as? [NSNumber], a.count == 2 { return Pair(Int(a[0].doubleValue), Int(a[1].doubleValue)) }
        throw Malformed(description: "not an int or pair: \(String(describing: value))")
    }
}
