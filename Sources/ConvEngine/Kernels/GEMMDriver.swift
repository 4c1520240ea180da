import GEMMMicrokernels

/// Packing buffers of one worker for one call, borrowed from `GEMMBufferPool` and returned when
/// the workspace ends, so they are reused for every block and every later call.
struct GEMMWorkspace: ~Copyable {
    let packedA: UnsafeMutablePointer<Double>
    let packedB: UnsafeMutablePointer<Double>
    /// One register tile for edge stores.
    let scratch: UnsafeMutablePointer<Double>
    private let buffer: GEMMBufferPool.Buffer

    init() {
        buffer = GEMMBufferPool.shared.acquire()
        // Each part starts on a 32-byte boundary (mc·kc and kc·nc are multiples of 4 doubles).
        packedA = buffer.base
        packedB = buffer.base + GEMMBlocking.mc * GEMMBlocking.kc
        scratch = packedB + GEMMBlocking.kc * GEMMBlocking.nc
    }

    deinit { GEMMBufferPool.shared.release(buffer) }
}

extension GEMMOperands {
    /// Computes `region` of C with the Goto/BLIS loop nest: columns in `nc` panels, k in slices
    /// of `sliceDepth(k)` (B slice packed once), rows in `mc` blocks (A block packed once), then `nr × mr`
    /// register tiles. Each element is `C = (C or 0) + slice_0 + slice_1 + ...`, each slice summed
    /// from zero in increasing p: the order depends on k only, never on `region`.
    ///
    /// When the region has a single row block and B is not transposed, each B element would be
    /// packed only to be used by that one block, so full-width B micro-panels are read in place
    /// (rows `ldb` apart) and only the ragged last one is packed: that copy cost as much as a
    /// third of the time for conv-shaped products (m = 64).
    /// (Packing B anyway when its rows are a multiple of 4 KiB apart, one L1 set, was slower on
    /// the Xeon: cifar's conv1 input gradient 27×1024×32 40-46 against 45-52 GFLOP/s in place,
    /// its dense weight gradient 10×8192×32 21 against 29.) Likewise a non-transposed A is read
    /// in place (all but a ragged last micro-panel) when at most `GEMMBlocking.inPlaceAColumns`
    /// columns use it: mnist's dense layer `x · Wᵀ` (64×10×1568) went from 64 to 48 us, its conv
    /// weight gradient (8×9×784) from 5.1 to 4.3 us.
    func multiplyBlocked(_ region: GEMMRegion, workspace: borrowing GEMMWorkspace) {
        let streamB = !transposeB && region.rows.count <= GEMMBlocking.mc
        let streamA = !transposeA && region.cols.count <= 2 * kernel.nr
        let (mr, nr, nc) = (kernel.mr, kernel.nr, kernel.nc)
        for jc in stride(from: region.cols.lowerBound, to: region.cols.upperBound, by: nc) {
            let cols = jc..<min(jc + nc, region.cols.upperBound)
            let packedFrom = streamB ? cols.lowerBound + cols.count / nr * nr : jc
            let depth = GEMMBlocking.sliceDepth(k: k)
            for pc in stride(from: 0, to: k, by: depth) {
                let kc = min(depth, k - pc)
                let panels = BPanels(
                    packed: workspace.packedB, kc: kc, packedFrom: packedFrom - jc,
                    inPlace: b + pc * ldb + jc, ldb: ldb, nr: nr)
                packB(cols: packedFrom..<cols.upperBound, p0: pc, kc: kc, into: panels.packedStart)
                let addToC = accumulate || pc > 0
                for ic in stride(from: region.rows.lowerBound, to: region.rows.upperBound, by: GEMMBlocking.mc) {
                    let rows = ic..<min(ic + GEMMBlocking.mc, region.rows.upperBound)
                    let inPlaceRows = streamA ? rows.count / mr * mr : 0
                    packA(
                        rows: (ic + inPlaceRows)..<rows.upperBound, p0: pc, kc: kc,
                        into: workspace.packedA + inPlaceRows * kc)
                    multiplyPackedBlock(
                        rows: rows, cols: cols, panels: panels, inPlaceRows: inPlaceRows, pc: pc, addToC: addToC,
                        workspace: workspace)
                }
            }
        }
    }

    /// All register tiles of one `rows × cols` block: B micro-panel outside (it stays in L1),
    /// A micro-panels inside (they stream from L2); the first `inPlaceRows` rows of A are read
    /// in place from slice `pc`.
    private func multiplyPackedBlock(
        rows: Range<Int>, cols: Range<Int>, panels: BPanels, inPlaceRows: Int, pc: Int, addToC: Bool,
        workspace: borrowing GEMMWorkspace
    ) {
        let mr = kernel.mr
        let nr = kernel.nr
        let kc = panels.kc
        for jr in stride(from: 0, to: cols.count, by: nr) {
            let (bPanel, bStride) = panels.panel(at: jr)
            for ir in stride(from: 0, to: inPlaceRows, by: mr) {
                kernel.tile(
                    kc: kc, a: a + (rows.lowerBound + ir) * lda + pc, aRow: lda, aStep: 1, b: bPanel, bStride: bStride,
                    c: c + (rows.lowerBound + ir) * ldc + cols.lowerBound + jr, ldc: ldc,
                    rows: mr, cols: min(nr, cols.count - jr), addToC: addToC, scratch: workspace.scratch)
            }
            for ir in stride(from: inPlaceRows, to: rows.count, by: mr) {
                kernel.tile(
                    kc: kc, a: UnsafePointer(workspace.packedA + ir * kc), aRow: 1, aStep: mr, b: bPanel,
                    bStride: bStride,
                    c: c + (rows.lowerBound + ir) * ldc + cols.lowerBound + jr, ldc: ldc,
                    rows: min(mr, rows.count - ir), cols: min(nr, cols.count - jr),
                    addToC: addToC, scratch: workspace.scratch)
            }
        }
    }

    /// Small products without packing, rounding exactly as the blocked path does (requires
    /// `k <= kc`): `C = (C or 0) + Σ_p opA[i,p]·opB[p,j]`, summed from zero in increasing p
    /// (fused multiply-adds on the AVX paths, as their kernels do).
    func multiplyDirect(m: Int, n: Int) {
        for i in 0..<m {
            for j in 0..<n {
                let sum = kernel.fusesMultiplyAdd ? fusedDot(i, j) : unfusedDot(i, j)
                let target = c + i * ldc + j
                target.pointee = accumulate ? target.pointee + sum : sum
            }
        }
    }
}

extension GEMMOperands {
    /// `Σ_p opA[i,p]·opB[p,j]` from zero in increasing p, one fused multiply-add per step (C,
    /// Sources/GEMMMicrokernels/AVX2Kernel.c: only called on CPUs with FMA).
    @inline(__always) private func fusedDot(_ i: Int, _ j: Int) -> Double {
        let (aStart, aStep) = transposeA ? (a + i, lda) : (a + i * lda, 1)
        let (bStart, bStep) = transposeB ? (b + j * ldb, 1) : (b + j, ldb)
        return gemm_fma_dot(k, aStart, aStep, bStart, bStep)
    }

    /// The same sum with each product rounded before it is added (the portable kernel's order).
    @inline(__always) private func unfusedDot(_ i: Int, _ j: Int) -> Double {
        var sum = 0.0
        for p in 0..<k { multiplyAdd(&sum, opA(i, p), opB(p, j)) }
        return sum
    }
}

/// Where the microkernel finds each `kc × nr` B micro-panel of a column panel: columns before
/// `packedFrom` are read in place from B (row stride `ldb`), the rest from the packed buffer.
struct BPanels {
    let packed: UnsafeMutablePointer<Double>
    let kc: Int
    /// First packed column, relative to the panel (a multiple of `nr`).
    let packedFrom: Int
    /// `op(B)[pc, jc]` in B itself (only dereferenced for columns before `packedFrom`).
    let inPlace: UnsafePointer<Double>
    let ldb: Int
    /// Columns of a micro-panel (the kernel's `nr`).
    let nr: Int

    /// Where packing writes the micro-panel of column `packedFrom`.
    var packedStart: UnsafeMutablePointer<Double> { packed + packedFrom * kc }

    /// The micro-panel starting at column `jr` and its row stride in doubles.
    @inline(__always) func panel(at jr: Int) -> (UnsafePointer<Double>, Int) {
        jr < packedFrom ? (inPlace + jr, ldb) : (UnsafePointer(packed + jr * kc), nr)
    }
}
