/// gelu: torch.nn.functional.gelu, exact or with the tanh approximation, and its derivative as
/// PyTorch's GeluBackward writes it (aten/src/ATen/native/cpu/Activation.cpp):
///
///     exact:  y = x * Phi(x),  Phi(x) = (1 + erf(x / sqrt 2)) / 2
///             dy/dx = Phi(x) + x * phi(x),  phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
///     tanh:   y = x / 2 * (1 + tanh(k (x + 0.044715 x^3))),  k = sqrt(2 / pi)
///             dy/dx = (1 + t) / 2 + x / 2 * (1 - t^2) * k * (1 + 3 * 0.044715 x^2),  t = tanh(k (x + 0.044715 x^3))
public struct GELU: ElementwiseActivation, Equatable {
    public static let typeName = "gelu"

    /// `"none"` (exact) or `"tanh"`.
    public enum Approximation: String, Sendable, CaseIterable { case none, tanh }
    public var approximate: Approximation
    public init(approximate: Approximation = .none) { self.approximate = approximate }

    static let sqrtHalf = 0.70710678118654752440  // M_SQRT1_2
    static let pdfScale = 1.12837916709551257390 * 0.70710678118654752440 * 0.5  // M_2_SQRTPI * M_SQRT1_2 / 2
    static let tanhScale = 1.41421356237309504880 * 1.12837916709551257390 * 0.5  // M_SQRT2 * M_2_SQRTPI / 2
    static let kappa = 0.044715

    public func apply(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ range: Range<Int>) {
        switch approximate {
        case .none:
            for i in range { y[i] = x[i] * 0.5 * (1 + Math.errorFunction(x[i] * Self.sqrtHalf)) }
        case .tanh:
            for i in range {
                let inner = Self.tanhScale * (x[i] + Self.kappa * x[i] * x[i] * x[i])
                y[i] = 0.5 * x[i] * (1 + Math.hyperbolicTangent(inner))
            }
        }
    }

    public func applyDerivative(
        _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ g: UnsafePointer<Double>,
        _ dx: UnsafeMutablePointer<Double>, _ range: Range<Int>
    ) {
        for i in range { dx[i] = g[i] * derivative(x[i]) }
    }

    /// dy/dx at `x`.
    public func derivative(_ x: Double) -> Double {
        switch approximate {
        case .none:
            let cdf = 0.5 * (1 + Math.errorFunction(x * Self.sqrtHalf))
            let pdf = Math.exponential(-0.5 * x * x) * Self.pdfScale
            return cdf + x * pdf
        case .tanh:
            let xSquared = x * x
            let inner = Self.tanhScale * (x + Self.kappa * xSquared * x)
            let t = Math.hyperbolicTangent(inner)
            let leftDerivative = 0.5 * (1 + t)
            let rightDerivative = (1 - t * t) * Self.tanhScale * (1 + 3 * Self.kappa * xSquared)
            return leftDerivative + 0.5 * x * rightDerivative
        }
    }
}
