import ConvEngine

/// One factor of a chain-rule term: a value of a named tensor at an index.
public struct ExplainFactor: Sendable, Equatable {
    /// A gradient or tensor name (`"0"`, `"input"`, `"0.weight"`), `"loss"`, `"grad_output"`,
    /// `"constant"`, or a layer's derivative such as `"<type>'"`.
    public var of: String
    /// In the rank the request wrote the tensor in; full rank for activations; nil for constants.
    public var index: [Int]?
    public var value: Double
    /// True for a factor that lies in the padding: 0 in zero padding, else the element it copies.
    public var padding: Bool
    /// How the value is computed, where that is not just an element (a loss derivative, a mask).
    public var formula: String?

    public init(of: String, index: [Int]?, value: Double, padding: Bool = false, formula: String? = nil) {
        self.of = of
        self.index = index
        self.value = value
        self.padding = padding
        self.formula = formula
    }

    static func constant(_ value: Double, formula: String? = nil) -> ExplainFactor {
        ExplainFactor(of: "constant", index: nil, value: value, formula: formula)
    }
}

/// One product of the chain-rule sum: upstream gradient times local derivative.
public struct ExplainTerm: Sendable, Equatable {
    public var upstream: ExplainFactor
    public var local: ExplainFactor
    public var product: Double

    init(_ upstream: ExplainFactor, _ local: ExplainFactor) {
        self.upstream = upstream
        self.local = local
        self.product = upstream.value * local.value
    }
}

/// The chain rule for one gradient element, written out as on the board.
public struct Explanation: Sendable, Equatable {
    public var of: String
    /// In the rank the request wrote the tensor in (full rank for activations).
    public var index: [Int]
    /// The gradient element's value (the sum of the terms' products).
    public var value: Double
    /// The sum in the layer's own notation (X its input, W its weight, Z its output), with the
    /// stride/padding/dilation index map explicit.
    public var formula: String
    /// The sum with every term named, 1-based as on the board: "dL/dw1 = dL/dz1*x1 + dL/dz2*x3".
    public var board: String
    public var terms: [ExplainTerm]
}

/// A request `/explain` cannot answer; `field` is `"of"` or `"index"`.
public struct ExplainError: Error, Sendable, Equatable {
    public var field: String
    public var message: String
}

extension Solution {
    /// Spells out the chain rule for element `index` of gradient `name` (a gradient name, or a layer
    /// name for dL/d(that layer's output)).
    public func explain(of name: String, index: [Int]) throws(ExplainError) -> Explanation {
        guard let target = problem.target(named: name), let gradient = gradient(of: target) else {
            let known = (problem.gradientNames + problem.layerNames).joined(separator: ", ")
            throw ExplainError(field: "of", message: "no gradient named \"\(name)\"; this problem has \(known)")
        }
        let shape = writtenShape(of: target)
        guard index.count == shape.count || index.count == gradient.rank,
            zip(TensorIndex.full(index, rank: gradient.rank), gradient.shape).allSatisfy({ $0 >= 0 && $0 < $1 }),
            index.count <= gradient.rank
        else {
            throw ExplainError(field: "index", message: "index \(index) is not an element of \(name), shape \(shape)")
        }
        let full = TensorIndex.full(index, rank: gradient.rank)
        var explanation =
            switch target {
            case .parameter(let k, let parameter):
                problem.layers[k].explainParameter(parameter, in: self, layer: k, full)
            case .input: problem.layers[0].explainInput(in: self, layer: 0, full)
            case .activation(let k):
                k + 1 < problem.layers.count
                    ? problem.layers[k + 1].explainInput(in: self, layer: k + 1, full) : explainOutput(full)
            }
        explanation.of = name
        explanation.index = TensorIndex.written(full, rank: shape.count)
        explanation.value = gradient[full]
        return explanation
    }

    /// Name of the input of layer `m`: `"input"` or the previous layer's name.
    func inputName(_ m: Int) -> String { m == 0 ? problem.name(of: .input) : problem.layerNames[m - 1] }

    /// A full-rank index of layer `m`'s input as its explanation writes it (written rank for `input`).
    func inputIndex(_ m: Int, _ full: [Int]) -> [Int] {
        guard m == 0 else { return full }
        return TensorIndex.written(full, rank: problem.writtenShapes[problem.name(of: .input)]?.count ?? full.count)
    }

    /// A full-rank index of layer `k`'s weight as the request wrote the weight.
    func weightIndex(_ k: Int, _ full: [Int]) -> [Int] {
        TensorIndex.written(
            full, rank: problem.writtenShapes[problem.name(of: .parameter(k, "weight"))]?.count ?? full.count)
    }

    /// The 1-based board symbol of a full-rank element of `shape`: `x5`.
    static func symbol(_ letter: String, _ full: [Int], _ shape: [Int]) -> String {
        "\(letter)\(TensorIndex.ravel(full, shape) + 1)"
    }

    /// `"2i+0"`: the index map of one spatial axis.
    static func indexMap(_ variable: String, stride: Int, offset: Int) -> String {
        let scaled = stride == 1 ? variable : "\(stride)\(variable)"
        return offset < 0 ? "\(scaled)\(offset)" : "\(scaled)+\(offset)"
    }

    /// `dL/dx5`: the board's left-hand side for element `full` of layer `m`'s input.
    func inputLHS(_ m: Int, _ full: [Int]) -> String { "dL/d" + Self.symbol("x", full, layerInput(m).shape) }

    /// "dL/dw1 = dL/dz1*x1 + dL/dz2*x3": upstream symbols from full-rank indices, local symbols
    /// from the factor's index (1-based, row-major), constants 1 left out, padding written 0.
    func board(_ lhs: String, _ terms: [ExplainTerm], up: String, _ upShape: [Int], local: String?, _ localShape: [Int])
        -> String
    {
        let sum = terms.map { term -> String in
            let upstream = "dL/d" + Self.symbol(up, term.upstream.index ?? [], upShape)
            guard let local, let index = term.local.index else {
                return term.local.value == 1 ? upstream : "\(upstream)*\(term.local.value)"
            }
            if term.local.padding && term.local.value == 0 { return "\(upstream)*0" }
            return "\(upstream)*" + Self.symbol(local, TensorIndex.full(index, rank: localShape.count), localShape)
        }
        return "\(lhs) = " + (sum.isEmpty ? "0" : sum.joined(separator: " + "))
    }
    /// `"2i+ki-1"`: the padded-input row an output row and kernel row read, as a formula.
    static func indexMap(_ position: String, _ offset: String, stride: Int, dilation: Int, padding: Int) -> String {
        let scaled = stride == 1 ? position : "\(stride)\(position)"
        let kernel = dilation == 1 ? offset : "\(dilation)\(offset)"
        return "\(scaled)+\(kernel)" + (padding == 0 ? "" : "-\(padding)")
    }

    /// `dL/dX[i] = dL/dZ[i] * f'(X[i])`: one term, the derivative named `derivative`.
    func explainElementwise(_ m: Int, _ full: [Int], derivative: String, value: Double, formula: String) -> Explanation
    {
        let x = layerInput(m)
        let dZ = upstream(m)
        let local = ExplainFactor(of: derivative, index: inputIndex(m, full), value: value, formula: formula)
        let terms = [ExplainTerm(ExplainFactor(of: problem.layerNames[m], index: full, value: dZ[full]), local)]
        let board =
            "\(inputLHS(m, full)) = dL/d\(Self.symbol("z", full, dZ.shape))*\(derivative)(\(Self.symbol("x", full, x.shape)))"
        let xText = "X[\(TensorIndex.text(full))]"
        return Explanation(
            of: "", index: [], value: 0,
            formula: "dL/d\(xText) = dL/dZ[\(TensorIndex.text(full))] * \(derivative.dropLast())'(\(xText))",
            board: board, terms: terms)
    }
}
