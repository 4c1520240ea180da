import TestSupport
import Testing

@testable import ConvEngine

// PhasePlanes.fill (Sources/ConvEngine/Kernels/PhasePlanes.swift) writes every element of its
// layout once: the copies and the zeros around them. Checked from the definition
// `plane(c, a, b)[u][v] = x[c][u*sh + a - top][v*sw + b - left]` (0 outside x) on a buffer that
// starts full of NaN, so a zero left unwritten cannot pass by chance.

/// (channels, height, width, top, left, strideH, strideW, bottom, right)
private let layouts: [[Int]] = [
    [2, 5, 7, 1, 1, 1, 1, 1, 1],  // stride 1, padding 1
    [3, 8, 9, 1, 1, 2, 2, 1, 1],  // stride 2 (cifar's second layer, smaller)
    [1, 6, 5, 0, 2, 3, 2, 2, 0],  // stride 3 down, asymmetric padding
    [1, 2, 2, 3, 3, 2, 2, 3, 3],  // padding wider than the image: phases no element reaches
]

private func planes(_ l: [Int]) -> PhasePlanes {
    let (paddedHeight, paddedWidth) = (l[1] + l[3] + l[7], l[2] + l[4] + l[8])
    return PhasePlanes(
        channels: l[0], height: l[1], width: l[2], top: l[3], left: l[4], strideH: l[5], strideW: l[6],
        hq: (paddedHeight + l[5] - 1) / l[5], wq: (paddedWidth + l[6] - 1) / l[6])
}

private func expected(_ p: PhasePlanes, _ x: [Double], count: Int) -> [Double] {
    var out = [Double](repeating: 0, count: max(count, p.contentCount))
    for c in 0..<p.channels {
        for a in 0..<p.strideH {
            for b in 0..<p.strideW {
                let base = ((c * p.strideH + a) * p.strideW + b) * p.planeSize
                for u in 0..<p.hq {
                    for v in 0..<p.wq {
                        let (r, s) = (u * p.strideH + a - p.top, v * p.strideW + b - p.left)
                        guard r >= 0, r < p.height, s >= 0, s < p.width else { continue }
                        out[base + u * p.wq + v] = x[(c * p.height + r) * p.width + s]
                    }
                }
            }
        }
    }
    return out
}

@Test(arguments: layouts)
func phasePlanesFill_writesEveryElementOnce(_ l: [Int]) {
    let p = planes(l)
    var rng = CaseGenerator(seed: UInt64(l.reduce(1, +)))
    let first = rng.tensor([p.channels * p.height * p.width]).data
    let second = rng.tensor([p.channels * p.height * p.width]).data
    let count = p.contentCount + 13
    var buffer = [Double](repeating: .nan, count: count)
    buffer.withUnsafeMutableBufferPointer { dst in
        first.withUnsafeBufferPointer { p.fill($0.baseAddress!, into: dst.baseAddress!, count: count) }
    }
    #expect(buffer.map(\.bitPattern) == expected(p, first, count: count).map(\.bitPattern), "\(l) first image")
    buffer.withUnsafeMutableBufferPointer { dst in
        second.withUnsafeBufferPointer {
            p.fill($0.baseAddress!, into: dst.baseAddress!, count: count, interiorOnly: true)
        }
    }
    #expect(buffer.map(\.bitPattern) == expected(p, second, count: count).map(\.bitPattern), "\(l) second image")
}
