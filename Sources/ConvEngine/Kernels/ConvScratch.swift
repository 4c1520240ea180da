/// Per-work-item buffers for one tile's im2col matrix and its gradient.
///
/// The output plane is processed in tiles of whole output rows, each tile's matrix at most
/// `ConvPlan.tileBudget` doubles (1 MiB by default), so scratch memory stays small and
/// cache-resident whatever the image size. A 1x1 kernel with stride 1 and no padding needs no
/// unrolling: the input plane is the matrix.
struct ConvScratch {
    /// Default target size of one tile's im2col matrix, in doubles.
    static let defaultTileBudget = 1 << 17

    let direct: Bool
    let col: UnsafeMutablePointer<Double>
    let gradCol: UnsafeMutablePointer<Double>

    init(_ p: ConvPlan, needsGradient: Bool = false) {
        direct = p.isDirect
        let size = direct ? 1 : p.patchSize * p.outWidth * p.tileRows
        col = .allocate(capacity: size)
        gradCol = .allocate(capacity: needsGradient ? size : 1)
    }

    /// The im2col matrix `(C_in/groups * kh * kw, rows.count * W_out)` of the group starting at `x`.
    func columns(of x: UnsafePointer<Double>, _ p: ConvPlan, rows: Range<Int>) -> UnsafePointer<Double> {
        if direct { return x + rows.lowerBound * p.outWidth }
        Im2col.unroll(x, channels: p.inPerGroup, p, rows: rows, into: col)
        return UnsafePointer(col)
    }

    /// The row stride of the matrix `columns` returns: the whole plane when direct, else the tile.
    func columnsStride(_ p: ConvPlan, rows: Range<Int>) -> Int {
        direct ? p.inPlane : rows.count * p.outWidth
    }

    func release() {
        col.deallocate()
        gradCol.deallocate()
    }
}

extension ConvPlan {
    /// A 1x1 kernel, stride 1, no padding: the input plane is already the im2col matrix.
    var isDirect: Bool {
        kernel == Pair(1) && stride == Pair(1) && pad == ResolvedPadding(top: 0, bottom: 0, left: 0, right: 0)
    }

    /// Output rows per tile: as many as fit `tileBudget` (all of them when direct).
    var tileRows: Int {
        isDirect ? outHeight : max(1, min(outHeight, tileBudget / max(patchSize * outWidth, 1)))
    }

    /// The output-row tiles, in order.
    var tiles: [Range<Int>] {
        let rows = tileRows
        return Swift.stride(from: 0, to: outHeight, by: rows).map { $0..<min($0 + rows, outHeight) }
    }
}
