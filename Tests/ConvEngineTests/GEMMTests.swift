import TestSupport
import Testing

@testable import ConvEngine

// Every test that computes a product runs once per kernel path this CPU supports
// (`KernelPath.supported`: avx512, avx2, portable on the project's Xeon), with the path forced
// through the task-local `KernelPath.override`; KernelPathTests.swift compares the paths' bits.

/// One GEMM problem: operands stored with padded leading dimensions (so strides are exercised)
/// and a C whose padding must stay untouched.
private struct Problem: Sendable {
    let m: Int, n: Int, k: Int
    let transposeA: Bool, transposeB: Bool, accumulate: Bool
    let lda: Int, ldb: Int, ldc: Int
    let a: [Double], b: [Double], c: [Double]

    init(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, accumulate: Bool, rng: inout SplitMix64) {
        self.m = m
        self.n = n
        self.k = k
        self.transposeA = transposeA
        self.transposeB = transposeB
        self.accumulate = accumulate
        let (aRows, aCols) = transposeA ? (k, m) : (m, k)
        let (bRows, bCols) = transposeB ? (n, k) : (k, n)
        lda = aCols + 3
        ldb = bCols + 1
        ldc = n + 2
        a = (0..<max(1, aRows * lda)).map { _ in Double.random(in: -1...1, using: &rng) }
        b = (0..<max(1, bRows * ldb)).map { _ in Double.random(in: -1...1, using: &rng) }
        c = (0..<max(1, m * ldc)).map { _ in Double.random(in: -1...1, using: &rng) }
    }

    func opA(_ i: Int, _ p: Int) -> Double { transposeA ? a[p * lda + i] : a[i * lda + p] }
    func opB(_ p: Int, _ j: Int) -> Double { transposeB ? b[j * ldb + p] : b[p * ldb + j] }

    /// GEMM.multiply's result.
    func run() -> [Double] {
        var out = c
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { pc in
                    GEMM.multiply(
                        m: m, n: n, k: k, a: pa.baseAddress!, lda: lda, transposeA: transposeA,
                        b: pb.baseAddress!, ldb: ldb, transposeB: transposeB,
                        c: pc.baseAddress!, ldc: ldc, accumulate: accumulate)
                }
            }
        }
        return out
    }

    /// Checks `observed` against a naive triple loop. Floating-point sums of k products in any
    /// order differ from one another by at most about 2·k·ε·(|C| + Σ_p |a_ip·b_pj|) (the
    /// standard γ_k bound on recursive summation, applied to both orders), so that is the bound.
    func expectMatchesNaive(_ observed: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var sum = accumulate ? c[i * ldc + j] : 0
                var magnitude = abs(sum)
                for p in 0..<k {
                    sum += opA(i, p) * opB(p, j)
                    magnitude += abs(opA(i, p) * opB(p, j))
                }
                let got = observed[i * ldc + j]
                let bound = 2 * Double(k + 1) * Double.ulpOfOne * magnitude
                if abs(got - sum) > bound {
                    Issue.record(
                        "\(self.label) C[\(i),\(j)]: expected \(sum), observed \(got), error \(abs(got - sum)) > \(bound)",
                        sourceLocation: sourceLocation)
                    return
                }
                worst = max(worst, abs(got - sum))
            }
            for j in n..<ldc where observed[i * ldc + j].bitPattern != c[i * ldc + j].bitPattern {
                Issue.record("\(self.label): padding C[\(i),\(j)] was written", sourceLocation: sourceLocation)
                return
            }
        }
    }

    var label: String {
        "m=\(m) n=\(n) k=\(k) tA=\(transposeA) tB=\(transposeB) acc=\(accumulate)"
    }
}

private let flagCombinations: [(Bool, Bool, Bool)] = [false, true].flatMap { ta in
    [false, true].flatMap { tb in [false, true].map { acc in (ta, tb, acc) } }
}

/// Small sizes take the direct path through `GEMM.multiply`, so the blocked path is checked too.
@Test(arguments: KernelPath.supported)
func edgeSizes_matchNaiveForEveryTransposeAndAccumulate(path: KernelPath) {
    KernelPath.$override.withValue(path) {
        var rng = SplitMix64(state: 1)
        let sizes = [0, 1, 2, 5, 6, 7, 8, 9, 13]
        for m in sizes {
            for n in sizes {
                for k in [0, 1, 3, 17] {
                    for (ta, tb, acc) in flagCombinations {
                        let problem = Problem(
                            m: m, n: n, k: k, transposeA: ta, transposeB: tb, accumulate: acc, rng: &rng)
                        problem.expectMatchesNaive(problem.run())
                        if m > 0 && n > 0 && k > 0 { problem.expectMatchesNaive(singleThreaded(problem)) }
                    }
                }
            }
        }
    }
}

@Test(arguments: KernelPath.supported)
func randomSizesAcrossBlockBoundaries_matchNaive(path: KernelPath) {
    KernelPath.$override.withValue(path) {
        var rng = SplitMix64(state: 2)
        for _ in 0..<24 {
            let m = Int.random(in: 1...210, using: &rng)  // crosses mc = 192, odd remainders of mr = 4
            let n = Int.random(in: 1...70, using: &rng)
            let k = Int.random(in: 1...600, using: &rng)  // crosses kc = 256 (two slices)
            let (ta, tb, acc) = flagCombinations.randomElement(using: &rng)!
            let problem = Problem(m: m, n: n, k: k, transposeA: ta, transposeB: tb, accumulate: acc, rng: &rng)
            problem.expectMatchesNaive(problem.run())
        }
    }
}

@Test(arguments: KernelPath.supported)
func wideProductCrossingColumnPanel_matchesNaive(path: KernelPath) {
    KernelPath.$override.withValue(path) {
        var rng = SplitMix64(state: 3)
        for (ta, tb, acc) in flagCombinations {
            let problem = Problem(
                m: 7, n: GEMMBlocking.nc + 13, k: 3, transposeA: ta, transposeB: tb, accumulate: acc, rng: &rng)
            problem.expectMatchesNaive(problem.run())
        }
    }
}

@Test(arguments: KernelPath.supported)
func zeroInnerDimension_zeroesOrKeepsC(path: KernelPath) {
    KernelPath.$override.withValue(path) {
        var rng = SplitMix64(state: 4)
        let overwrite = Problem(m: 3, n: 4, k: 0, transposeA: false, transposeB: false, accumulate: false, rng: &rng)
        let zeroed = overwrite.run()
        #expect((0..<3).allSatisfy { i in (0..<4).allSatisfy { zeroed[i * overwrite.ldc + $0] == 0 } })
        let keep = Problem(m: 3, n: 4, k: 0, transposeA: true, transposeB: true, accumulate: true, rng: &rng)
        #expect(keep.run() == keep.c)
    }
}

@Test(arguments: KernelPath.supported)
func parallelProduct_isBitIdenticalAcrossRunsAndToOneThread(path: KernelPath) {
    KernelPath.$override.withValue(path) {
        var rng = SplitMix64(state: 5)
        // 2^21 multiply-adds: at the parallel threshold; odd sizes leave edge tiles in every worker.
        for (ta, tb, acc) in [(false, false, false), (true, true, true)] {
            let problem = Problem(m: 131, n: 125, k: 129, transposeA: ta, transposeB: tb, accumulate: acc, rng: &rng)
            #expect(problem.m * problem.n * problem.k >= GEMMBlocking.parallelThreshold)
            let first = problem.run()
            let second = problem.run()
            #expect(first.map(\.bitPattern) == second.map(\.bitPattern))
            #expect(first.map(\.bitPattern) == singleThreaded(problem).map(\.bitPattern))
            problem.expectMatchesNaive(first)
        }
    }
}

@Test(arguments: KernelPath.supported)
func concurrentCallers_getTheSameBitsAsOneCaller(path: KernelPath) async {
    await KernelPath.$override.withValue(path) {
        var rng = SplitMix64(state: 7)
        let problem = Problem(m: 67, n: 129, k: 300, transposeA: true, transposeB: false, accumulate: false, rng: &rng)
        let expected = problem.run().map(\.bitPattern)
        let results = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<6 { group.addTask { problem.run().map(\.bitPattern) } }
            return await group.reduce(into: [[UInt64]]()) { $0.append($1) }
        }
        #expect(results.count == 6)
        #expect(results.allSatisfy { $0 == expected })
    }
}

@Test(arguments: KernelPath.supported)
func directSmallPath_roundsExactlyLikeBlockedPath(path: KernelPath) {
    KernelPath.$override.withValue(path) {
        var rng = SplitMix64(state: 6)
        let problem = Problem(m: 5, n: 9, k: 11, transposeA: true, transposeB: false, accumulate: true, rng: &rng)
        #expect(problem.m * problem.n * problem.k <= GEMMBlocking.directThreshold)
        #expect(problem.run().map(\.bitPattern) == singleThreaded(problem).map(\.bitPattern))
    }
}

@Test func partition_coversCExactlyOnceInWholeTiles() {
    for (m, n, parts) in [(64, 25088, 2), (576, 64, 2), (5, 3, 4), (131, 125, 3)] {
        for path in KernelPath.allCases {
            let regions = GEMMParallel.partition(m: m, n: n, parts: parts, kernel: path)
            var covered = [Int](repeating: 0, count: m * n)
            for region in regions {
                for i in region.rows { for j in region.cols { covered[i * n + j] += 1 } }
            }
            #expect(covered.allSatisfy { $0 == 1 }, "m=\(m) n=\(n) parts=\(parts) \(path)")
        }
    }
}

/// Regions of at most `mc` rows read a non-transposed B in place; a taller region packs it. Both
/// must round the same, since which one runs depends on the core count.
@Test(arguments: KernelPath.supported)
func inPlaceAndPackedB_giveTheSameBits(path: KernelPath) {
    KernelPath.$override.withValue(path) {
        var rng = SplitMix64(state: 8)
        for (ta, tb, acc) in flagCombinations {
            let problem = Problem(
                m: GEMMBlocking.mc + 9, n: 29, k: 41, transposeA: ta, transposeB: tb, accumulate: acc, rng: &rng)
            let whole = singleThreaded(problem)
            let split = singleThreaded(problem, regions: [0..<100, 100..<problem.m])
            #expect(whole.map(\.bitPattern) == split.map(\.bitPattern), "\(problem.label)")
            problem.expectMatchesNaive(split)
        }
    }
}

/// Regions of at most `inPlaceAColumns` columns read a non-transposed A in place; wider ones
/// pack it. Both must round the same.
@Test(arguments: KernelPath.supported)
func inPlaceAndPackedA_giveTheSameBits(path: KernelPath) {
    KernelPath.$override.withValue(path) {
        var rng = SplitMix64(state: 9)
        for (ta, tb, acc) in flagCombinations {
            let n = 2 * path.nr + 7  // past the in-place limit (`2 * nr` columns) of this path
            let problem = Problem(m: 23, n: n, k: 300, transposeA: ta, transposeB: tb, accumulate: acc, rng: &rng)
            let whole = singleThreaded(problem)
            let split = singleThreaded(problem, columns: [0..<12, 12..<n])
            #expect(whole.map(\.bitPattern) == split.map(\.bitPattern), "\(problem.label)")
            problem.expectMatchesNaive(split)
        }
    }
}

@Test func sliceDepth_cutsKIntoEqualSlicesOfAtMostKC() {
    for k in [1, 191, 256, 257, 576, 3136] {
        let depth = GEMMBlocking.sliceDepth(k: k)
        let slices = (k + depth - 1) / depth
        #expect(depth <= GEMMBlocking.kc && slices == (k + GEMMBlocking.kc - 1) / GEMMBlocking.kc, "k=\(k)")
        #expect(k - (slices - 1) * depth > depth - slices, "k=\(k): last slice \(k - (slices - 1) * depth) of \(depth)")
    }
    #expect(GEMMBlocking.sliceDepth(k: 576) == 192)
}

@Test func regionCount_addsChunksOnlyForLongSides() {
    #expect(GEMMParallel.regionCount(m: 64, n: 576, workers: 2) == 2)
    #expect(GEMMParallel.regionCount(m: 64, n: 3136, workers: 2) == 2 * GEMMParallel.chunksPerWorker)
    #expect(GEMMParallel.regionCount(m: 131, n: 125, workers: 2) == 2)
}

/// The blocked path on the calling thread, over the whole of C or over the given row and column
/// ranges.
private func singleThreaded(
    _ problem: Problem, regions rowRanges: [Range<Int>]? = nil, columns columnRanges: [Range<Int>]? = nil
) -> [Double] {
    var out = problem.c
    problem.a.withUnsafeBufferPointer { pa in
        problem.b.withUnsafeBufferPointer { pb in
            out.withUnsafeMutableBufferPointer { pc in
                let operands = GEMMOperands(
                    a: pa.baseAddress!, lda: problem.lda, transposeA: problem.transposeA,
                    b: pb.baseAddress!, ldb: problem.ldb, transposeB: problem.transposeB,
                    c: pc.baseAddress!, ldc: problem.ldc, k: problem.k, accumulate: problem.accumulate)
                for rows in rowRanges ?? [0..<problem.m] {
                    for cols in columnRanges ?? [0..<problem.n] {
                        operands.multiplyBlocked(GEMMRegion(rows: rows, cols: cols), workspace: GEMMWorkspace())
                    }
                }
            }
        }
    }
    return out
}
