/// Planes zero padded and split by stride phase, the source buffer of an implicit GEMM
/// (Sources/ConvEngine/Kernels/ImplicitGEMM.swift): with
/// `plane(c, a, b)[u][v] = x[c][u*sh + a - top][v*sw + b - left]` (0 outside x), the element at
/// padded row `r = h*sh + i` and column `s = w*sw + j` is `offset(c, i, j) + h*wq + w`, so every
/// kernel tap reads one constant shift of the same position index `h*wq + w` ("padded-width"
/// positions; columns `w` at or past the output's width are computed and discarded).
struct PhasePlanes {
    let channels: Int
    let height: Int
    let width: Int
    let top: Int
    let left: Int
    let strideH: Int
    let strideW: Int
    /// Rows and columns of each phase plane.
    let hq: Int
    let wq: Int

    var planeSize: Int { hq * wq }
    var contentCount: Int { channels * strideH * strideW * planeSize }

    /// Where padded element (row `r`, column `s`) of channel `c` lies.
    func offset(channel c: Int, row r: Int, column s: Int) -> Int {
        ((c * strideH + r % strideH) * strideW + s % strideW) * planeSize + (r / strideH) * wq + s / strideW
    }

    /// Writes the phase planes of the `channels` planes (`height × width`, contiguous) at `x`
    /// into `dst`, and zeros from `contentCount` up to `count`. With `interiorOnly`, `dst` already
    /// holds this layout's planes of another image: the zeros (padding and slack) are the same
    /// and are not written again; without it, only the zeros are written besides the copies (each
    /// element once).
    func fill(
        _ x: UnsafePointer<Double>, into dst: UnsafeMutablePointer<Double>, count: Int, interiorOnly: Bool = false
    ) {
        if !interiorOnly && count > contentCount {
            (dst + contentCount).update(repeating: 0, count: count - contentCount)
        }
        for c in 0..<channels {
            for a in 0..<strideH {
                for b in 0..<strideW {
                    fillPlane(
                        x + c * height * width, phase: (a, b),
                        into: dst + ((c * strideH + a) * strideW + b) * planeSize, zeroing: !interiorOnly)
                }
            }
        }
    }

    /// Copies the input's elements into one phase plane; with `zeroing`, writes its zeros too
    /// (else they are already there).
    private func fillPlane(
        _ plane: UnsafePointer<Double>, phase: (a: Int, b: Int), into dst: UnsafeMutablePointer<Double>, zeroing: Bool
    ) {
        // Columns v whose source column v*sw + b - left lies in 0 ..< width; rows u likewise.
        let lo = min(wq, max(0, (left - phase.b + strideW - 1) / strideW))
        let hi = max(lo, min(wq, floorDivide(width - 1 + left - phase.b, strideW) + 1))
        let first = min(hq, max(0, (top - phase.a + strideH - 1) / strideH))
        let last = max(first, min(hq, floorDivide(height - 1 + top - phase.a, strideH) + 1))
        guard lo < hi, first < last else {
            if zeroing { dst.update(repeating: 0, count: planeSize) }
            return
        }
        if zeroing {
            dst.update(repeating: 0, count: first * wq + lo)
            let end = (last - 1) * wq + hi
            (dst + end).update(repeating: 0, count: planeSize - end)
        }
        for u in first..<last {
            let row = dst + u * wq
            if zeroing && u > first {
                // The gap between the previous row's last copied column and this row's first.
                (row - wq + hi).update(repeating: 0, count: wq - hi + lo)
            }
            let from = plane + (u * strideH + phase.a - top) * width + lo * strideW + phase.b - left
            copyStrided(from, stride: strideW, into: row + lo, count: hi - lo)
        }
    }
}

/// `to[t] = from[t * stride]` for `t < count`: a block copy for stride 1; for stride 2 four values
/// at a time from the even lanes of one 8-wide load that ends before the last element read.
@inline(__always)
func copyStrided(_ from: UnsafePointer<Double>, stride: Int, into to: UnsafeMutablePointer<Double>, count: Int) {
    var t = 0
    if stride == 1 {
        while t + 4 <= count {
            UnsafeMutableRawPointer(to + t).storeBytes(of: load4(from + t), as: SIMD4<Double>.self)
            t += 4
        }
    } else if stride == 2 {
        while t + 4 < count {
            let eight = UnsafeRawPointer(from + 2 * t).loadUnaligned(as: SIMD8<Double>.self)
            UnsafeMutableRawPointer(to + t).storeBytes(of: eight.evenHalf, as: SIMD4<Double>.self)
            t += 4
        }
    }
    while t < count {
        to[t] = from[t * stride]
        t += 1
    }
}

/// `to[t * stride] = from[t]` for `t < count`; for stride 2 the even lanes of an 8-wide
/// load-replace-store (the odd lanes are written back unchanged; the block ends before the last
/// element written, and only the caller's work item touches these rows).
@inline(__always)
func scatterStrided(_ from: UnsafePointer<Double>, into to: UnsafeMutablePointer<Double>, stride: Int, count: Int) {
    // With stride 1 gathering and scattering are the same copy.
    if stride == 1 { return copyStrided(from, stride: 1, into: to, count: count) }
    var t = 0
    if stride == 2 {
        while t + 4 < count {
            var eight = UnsafeRawPointer(to + 2 * t).loadUnaligned(as: SIMD8<Double>.self)
            eight.evenHalf = UnsafeRawPointer(from + t).loadUnaligned(as: SIMD4<Double>.self)
            UnsafeMutableRawPointer(to + 2 * t).storeBytes(of: eight, as: SIMD8<Double>.self)
            t += 4
        }
    }
    while t < count {
        to[t * stride] = from[t]
        t += 1
    }
}
