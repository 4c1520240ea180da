import ConvEngine

/// A constant a gradient can be off by, with what it stands for and the likely cause.
public struct NamedFactor {
    var value: Double
    /// How the message names it: "N = 64 (the batch size)".
    var name: String
    var cause: String
}

extension GradingProblem {
    /// The constants a gradient is typically off by here: the batch size N and 1/N, the number of
    /// loss elements n and 1/n (mean reduction), 2 and 1/2, and each window size kh*kw and its inverse.
    func namedFactors(outputCount: Int) -> [NamedFactor] {
        let batch = input.shape.first ?? 1
        let mean = loss?.reduction == .mean
        var factors: [NamedFactor] = []
        if batch > 1 {
            factors.append(
                NamedFactor(
                    value: Double(batch), name: "N = \(batch) (the batch size)",
                    cause: mean
                        ? "the loss takes the mean over the batch, so divide by N"
                        : "check where you multiply by the batch size"))
            factors.append(
                NamedFactor(
                    value: 1 / Double(batch), name: "1/N = 1/\(batch) (one over the batch size)",
                    cause: mean
                        ? "the mean divides by N once; you divided twice"
                        : "the loss is reduced with sum, so do not divide by the batch size"))
        }
        if mean, outputCount > 1, outputCount != batch {
            factors.append(
                NamedFactor(
                    value: Double(outputCount), name: "n = \(outputCount) (the number of loss elements)",
                    cause: "the mean reduction divides by the number of elements n"))
            factors.append(
                NamedFactor(
                    value: 1 / Double(outputCount), name: "1/n = 1/\(outputCount)",
                    cause: "the mean reduction divides by n once; you divided twice"))
        }
        factors.append(
            NamedFactor(
                value: 2, name: "2",
                cause: "the derivative of a square, d/dx x^2 = 2x, brings its 2 in once; you counted it twice"))
        factors.append(
            NamedFactor(
                value: 0.5, name: "1/2",
                cause: "the derivative of (y_hat - y)^2 is 2 (y_hat - y); mse has no 1/2 in front"))
        factors += windowFactors()
        return factors
    }

    private func windowFactors() -> [NamedFactor] {
        layers.enumerated().flatMap { k, layer in layer.constantFactors(layerName: layerNames[k]) }
    }
}

/// `kh*kw` and `1/(kh*kw)` of a pooling window, for a window of more than one element.
func windowFactors(_ size: Pair, cause: String) -> [NamedFactor] {
    guard size.h * size.w > 1 else { return [] }
    let area = size.h * size.w
    return [
        NamedFactor(value: Double(area), name: "kh*kw = \(area)", cause: cause),
        NamedFactor(value: 1 / Double(area), name: "1/(kh*kw) = 1/\(area)", cause: cause),
    ]
}

extension NamedFactor {
    /// "Your gradient is N = 64 (the batch size) times the expected one: …" (or "-N = …" with a sign).
    func message(negative: Bool) -> String {
        let sign = negative ? " and has the opposite sign" : ""
        return value >= 1
            ? "Your gradient is \(name) times the expected one\(sign): \(cause)."
            : "Your gradient is \(name) of the expected one\(sign): \(cause)."
    }
}
