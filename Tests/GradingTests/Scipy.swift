import ConvEngine

@testable import Grading

/// scipy.signal's convolve2d and correlate2d on one plane, in plain loops (independent of the
/// Grading module), for planting the mistakes of students who use them. Modes as scipy's: 'full'
/// (Ha+Hb-1), 'same' (Ha: convolve2d cuts the odd extra row at the end, correlate2d at the start,
/// as scipy 1.17 does), 'valid' (Ha-Hb+1).
enum Scipy {
    typealias Plane = [[Double]]

    static func correlate2d(_ a: Plane, _ b: Plane, _ mode: String) -> Plane {
        let (ha, wa, hb, wb) = (a.count, a[0].count, b.count, b[0].count)
        var full = Plane(repeating: Array(repeating: 0, count: wa + wb - 1), count: ha + hb - 1)
        for i in 0..<(ha + hb - 1) {
            for j in 0..<(wa + wb - 1) {
                for m in 0..<hb {
                    for n in 0..<wb {
                        let (r, c) = (i - (hb - 1) + m, j - (wb - 1) + n)
                        if r >= 0 && r < ha && c >= 0 && c < wa { full[i][j] += a[r][c] * b[m][n] }
                    }
                }
            }
        }
        return crop(full, mode, ha, wa, hb, wb, sameStart: (hb / 2, wb / 2))
    }

    static func convolve2d(_ a: Plane, _ b: Plane, _ mode: String) -> Plane {
        let rotated = b.reversed().map { Array($0.reversed()) }
        let full = correlate2d(a, rotated, "full")
        return crop(
            full, mode, a.count, a[0].count, b.count, b[0].count, sameStart: ((b.count - 1) / 2, (b[0].count - 1) / 2))
    }

    private static func crop(
        _ full: Plane, _ mode: String, _ ha: Int, _ wa: Int, _ hb: Int, _ wb: Int, sameStart: (Int, Int)
    ) -> Plane {
        switch mode {
        case "full": return full
        case "same": return window(full, sameStart.0, sameStart.1, ha, wa)
        default: return window(full, hb - 1, wb - 1, ha - hb + 1, wa - wb + 1)
        }
    }

    private static func window(_ p: Plane, _ top: Int, _ left: Int, _ h: Int, _ w: Int) -> Plane {
        (0..<h).map { r in (0..<w).map { c in p[top + r][left + c] } }
    }

    static func plane(_ t: Tensor, _ prefix: [Int]) -> Plane {
        let (h, w) = (t.shape[t.rank - 2], t.shape[t.rank - 1])
        return (0..<h).map { r in (0..<w).map { c in t[prefix + [r, c]] } }
    }

    static func add(_ a: Plane, _ b: Plane) -> Plane { zip(a, b).map { zip($0, $1).map { $0 + $1 } } }
}

/// The lesson's student's conv layer backward pass (issue 16), batch 1, as numpy+scipy code computes it:
/// `kernels_gradient[i, j] = convolve2d(input[j], output_gradient[i], "valid")` and
/// `input_gradient[j] += convolve2d(output_gradient[i], kernels[i, j], "same")`.
enum LessonStudent {
    static func backward(input x: Tensor, kernels k: Tensor, outputGradient dY: Tensor) -> (
        kernels: Tensor, input: Tensor
    ) {
        let (depth, inputDepth) = (k.shape[0], k.shape[1])
        var kernels = Tensor(shape: k.shape)
        var planes = [Scipy.Plane](repeating: [], count: inputDepth)
        for i in 0..<depth {
            for j in 0..<inputDepth {
                let grad = Scipy.convolve2d(Scipy.plane(x, [0, j]), Scipy.plane(dY, [0, i]), "valid")
                for (r, row) in grad.enumerated() { for (c, v) in row.enumerated() { kernels[[i, j, r, c]] = v } }
                let part = Scipy.convolve2d(Scipy.plane(dY, [0, i]), Scipy.plane(k, [i, j]), "same")
                planes[j] = planes[j].isEmpty ? part : Scipy.add(planes[j], part)
            }
        }
        let (h, w) = (planes[0].count, planes[0][0].count)
        return (kernels, Tensor(shape: [inputDepth, h, w], data: planes.flatMap { $0.flatMap { $0 } }))
    }
}
