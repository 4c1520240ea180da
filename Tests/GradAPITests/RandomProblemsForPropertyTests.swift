import TestSupport

/// A random valid problem for the property tests: a stack of spatial layers whose shapes are kept
/// valid by PyTorch's rules (out = floor((H + 2p - d(k-1) - 1) / s) + 1, tracked as a lower bound
/// since ceil mode may add one), then optionally flatten + linear, then a loss or a grad_output.
struct RandomProblem {
    /// Every tensor the gradients are taken with respect to, by gradient name.
    var tensors: [String: FlatTensor] = [:]
    /// Each layer's JSON members other than its tensors, and the names of its weight and bias.
    var layers: [(members: [(String, JSONText)], weight: String?, bias: String?)] = []
    var loss: [(String, JSONText)]?
    var gradOutput: FlatTensor?
    /// The input's rank as written (4, or 3 / 2 when its leading dims are 1).
    var inputRank = 4
    var binaryTensors = false

    /// Input [N, C, H, W] and 1 to 3 spatial layers.
    static func spatial(using rng: inout SplitMix64) -> RandomProblem {
        var problem = RandomProblem()
        let n = Int.random(in: 1...2, using: &rng)
        var channels = Int.random(in: 1...3, using: &rng)
        var height = Int.random(in: 4...7, using: &rng)
        var width = Int.random(in: 4...7, using: &rng)
        problem.tensors["input"] = .random([n, channels, height, width], in: -2...2, using: &rng)
        if n == 1 {
            problem.inputRank =
                channels == 1 ? [2, 3, 4].randomElement(using: &rng)! : [3, 4].randomElement(using: &rng)!
        }
        problem.binaryTensors = Bool.random(using: &rng)
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: problem.addConv(&channels, &height, &width, using: &rng)
            case 1: problem.addPool(&height, &width, using: &rng)
            default: problem.addActivation(using: &rng)
            }
        }
        return problem
    }

    private mutating func addConv(
        _ channels: inout Int, _ height: inout Int, _ width: inout Int, using rng: inout SplitMix64
    ) {
        let i = layers.count
        let groups = channels > 1 && Bool.random(using: &rng) ? channels : 1
        let out = groups * Int.random(in: 1...2, using: &rng)
        let kh = Int.random(in: 1...min(3, height), using: &rng)
        let kw = Int.random(in: 1...min(3, width), using: &rng)
        let dilation = kh < 3 && kw < 3 && height >= 5 && width >= 5 && Bool.random(using: &rng) ? 2 : 1
        var members: [(String, JSONText)] = [("type", .string("conv2d"))]
        if groups > 1 { members.append(("groups", .int(groups))) }
        if dilation > 1 { members.append(("dilation", .int(dilation))) }
        // reflect needs padding < the input's size, circular at most it: only on inputs of 3 and more.
        let mode =
            min(height, width) >= 3
            ? ["zeros", "reflect", "replicate", "circular"].randomElement(using: &rng)! : "zeros"
        if mode != "zeros" { members.append(("padding_mode", .string(mode))) }
        if Int.random(in: 0..<4, using: &rng) == 0 {
            members.append(("padding", .string("same")))
        } else {
            let stride = Int.random(in: 1...2, using: &rng)
            let ph = Int.random(in: 0...1, using: &rng)
            let pw = Int.random(in: 0...1, using: &rng)
            members += [("stride", .int(stride)), ("padding", .array([.int(ph), .int(pw)]))]
            height = (height + 2 * ph - dilation * (kh - 1) - 1) / stride + 1
            width = (width + 2 * pw - dilation * (kw - 1) - 1) / stride + 1
        }
        tensors["\(i).weight"] = .random([out, channels / groups, kh, kw], in: -1...1, using: &rng)
        let hasBias = Bool.random(using: &rng)
        if hasBias { tensors["\(i).bias"] = .random([out], in: -1...1, using: &rng) }
        layers.append((members, "\(i).weight", hasBias ? "\(i).bias" : nil))
        channels = out
    }

    private mutating func addPool(_ height: inout Int, _ width: inout Int, using rng: inout SplitMix64) {
        let isMax = Bool.random(using: &rng)
        let k = Int.random(in: 1...min(3, height, width), using: &rng)
        let stride = Int.random(in: 1...k, using: &rng)
        let padding = Int.random(in: 0...(k / 2), using: &rng)
        var members: [(String, JSONText)] = [
            ("type", .string(isMax ? "maxpool2d" : "avgpool2d")), ("kernel_size", .int(k)), ("stride", .int(stride)),
            ("padding", .int(padding)), ("ceil_mode", .bool(Bool.random(using: &rng))),
        ]
        if !isMax { members.append(("count_include_pad", .bool(Bool.random(using: &rng)))) }
        height = (height + 2 * padding - k) / stride + 1
        width = (width + 2 * padding - k) / stride + 1
        layers.append((members, nil, nil))
    }

    private mutating func addActivation(using rng: inout SplitMix64) {
        let type = ["relu", "leaky_relu", "sigmoid", "tanh"].randomElement(using: &rng)!
        var members: [(String, JSONText)] = [("type", .string(type))]
        if type == "leaky_relu" {
            members.append(("negative_slope", .number(Double.random(in: 0.01...0.3, using: &rng))))
        }
        layers.append((members, nil, nil))
    }

    /// Adds flatten + linear half the time, then a loss fitting the final output (or a grad_output).
    mutating func finish(outputShape: [Int], using rng: inout SplitMix64) {
        var shape = outputShape
        if Bool.random(using: &rng) {
            let i = layers.count + 1
            let k = Int.random(in: 1...4, using: &rng)
            layers.append(([("type", .string("flatten"))], nil, nil))
            tensors["\(i).weight"] = .random([k, shape.dropFirst().reduce(1, *)], in: -1...1, using: &rng)
            tensors["\(i).bias"] = .random([k], in: -1...1, using: &rng)
            layers.append(([("type", .string("linear"))], "\(i).weight", "\(i).bias"))
            shape = [shape[0], k]
        }
        let reduction: JSONText = .string(Bool.random(using: &rng) ? "mean" : "sum")
        let kinds =
            ["mse", "l1", "smooth_l1", "huber", "bce_with_logits", "grad_output"]
            + (shape.count == 2 ? ["cross_entropy", "nll"] : [])
        switch kinds.randomElement(using: &rng)! {
        case "grad_output": gradOutput = .random(shape, in: -1...1, using: &rng)
        case "cross_entropy", "nll":
            let type = Bool.random(using: &rng) ? "cross_entropy" : "nll"
            let classes = (0..<shape[0]).map { _ in JSONText.int(Int.random(in: 0..<shape[1], using: &rng)) }
            loss = [("type", .string(type)), ("target", .array(classes)), ("reduction", reduction)]
        case let type:
            let target = FlatTensor.random(shape, in: type == "bce_with_logits" ? 0...1 : -1...1, using: &rng)
            loss = [("type", .string(type)), ("target", target.json(binary: false)), ("reduction", reduction)]
            if type == "smooth_l1" { loss!.append(("beta", .number(0.5))) }
            if type == "huber" { loss!.append(("delta", .number(0.75))) }
        }
    }

    /// The request body; `endpointExtras` adds members such as `tensor_format`.
    func json(endpointExtras: [String: JSONText] = [:]) -> String {
        var input = tensors["input"]!
        input.shape = Array(input.shape.suffix(inputRank))
        var members: [(String, JSONText)] = [("input", input.json(binary: binaryTensors))]
        let layerJSON = layers.map { layer -> JSONText in
            var fields = layer.members
            if let weight = layer.weight { fields.append(("weight", tensors[weight]!.json(binary: binaryTensors))) }
            if let bias = layer.bias { fields.append(("bias", tensors[bias]!.json(binary: false))) }
            return .object(fields)
        }
        members.append(("layers", .array(layerJSON)))
        if let loss { members.append(("loss", .object(loss))) }
        if let gradOutput { members.append(("grad_output", gradOutput.json(binary: false))) }
        members += endpointExtras.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return JSONText.object(members).description
    }
}
