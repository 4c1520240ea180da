import ConvEngine

@testable import Grading

/// Mistakes planted by hand, in plain loops independent of the Grading module's own code, or by the
/// engine run on an altered problem.
enum Planted {
    /// `dW[co,ci,ki,kj] = sum over n,i,j of dZ[n,co,i,j] * X[n,ci,s_h*i+ki-p,s_w*j+kj-p]` (zero padding,
    /// groups 1): the weight gradient under the strides `(sh, sw)` whatever the forward used.
    static func weightGradient(x: Tensor, dZ: Tensor, kernel: Int, sh: Int, sw: Int, pad: Int) -> Tensor {
        let (batch, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, oh, ow) = (dZ.shape[1], dZ.shape[2], dZ.shape[3])
        var out = Tensor(shape: [cout, cin, kernel, kernel])
        for n in 0..<batch {
            for co in 0..<cout {
                for i in 0..<oh {
                    for j in 0..<ow {
                        for ci in 0..<cin {
                            for ki in 0..<kernel {
                                for kj in 0..<kernel {
                                    let r = sh * i + ki - pad
                                    let c = sw * j + kj - pad
                                    guard r >= 0 && r < h && c >= 0 && c < w else { continue }
                                    out[[co, ci, ki, kj]] += dZ[[n, co, i, j]] * x[[n, ci, r, c]]
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The tensor zero-padded by `p` on every side of its last two axes.
    static func padded(_ x: Tensor, _ p: Int) -> Tensor {
        let (h, w) = (x.shape[2], x.shape[3])
        var out = Tensor(shape: [x.shape[0], x.shape[1], h + 2 * p, w + 2 * p])
        for n in 0..<x.shape[0] {
            for c in 0..<x.shape[1] {
                for r in 0..<h {
                    for q in 0..<w {
                        out[[n, c, r + p, q + p]] = x[[n, c, r, q]]
                    }
                }
            }
        }
        return out
    }

    /// Rows/columns `offset ..< offset + size` of the last two axes.
    static func cropped(_ x: Tensor, offset: Int, size: (Int, Int)) -> Tensor {
        var out = Tensor(shape: [x.shape[0], x.shape[1], size.0, size.1])
        for n in 0..<x.shape[0] {
            for c in 0..<x.shape[1] {
                for r in 0..<size.0 {
                    for q in 0..<size.1 {
                        out[[n, c, r, q]] = x[[n, c, r + offset, q + offset]]
                    }
                }
            }
        }
        return out
    }

    /// Each 2x2 window's gradient copied to all four elements (scaled by `share`).
    static func spread2x2(_ dY: Tensor, inputShape: [Int], share: Double) -> Tensor {
        var out = Tensor(shape: inputShape)
        for n in 0..<inputShape[0] {
            for c in 0..<inputShape[1] {
                for r in 0..<(dY.shape[2] * 2) {
                    for q in 0..<(dY.shape[3] * 2) {
                        out[[n, c, r, q]] = dY[[n, c, r / 2, q / 2]] * share
                    }
                }
            }
        }
        return out
    }

    /// The conv layer 0 of `problem` alone, run backward from `gradOutput` on `input`.
    static func convBackward(
        _ problem: GradingProblem, input: Tensor? = nil, weight: Tensor? = nil, padding: ConvPadding? = nil,
        gradOutput: Tensor
    ) throws -> BackwardResult {
        guard case var spec as Conv2d = problem.layers[0] else { fatalError("layer 0 is not a conv") }
        if let weight { spec.weight = weight }
        if let padding { spec.padding = padding }
        return try Network(layers: [spec]).backward(input ?? problem.input, seed: .gradOutput(gradOutput))
    }
}
