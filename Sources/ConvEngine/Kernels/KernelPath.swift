import GEMMMicrokernels
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which GEMM microkernel runs, chosen at run time from the CPU's features (issue 17).
///
/// The AVX2+FMA and AVX-512 kernels are C functions that carry their own
/// `__attribute__((target(...)))` (Sources/GEMMMicrokernels), so FMA and AVX-512 instructions
/// exist only inside them (the Swift modules are built for `haswell` without FMA contraction, or
/// for baseline x86-64 with CONVGRAD_PORTABLE: Package.swift), and `GEMMOperands` calls them only
/// when `supported` (cpuid + xgetbv) lists their path: a CPU without AVX-512 never executes an
/// AVX-512 instruction.
///
/// Results: `avx512` and `avx2` reduce every element in the same order with one fused
/// multiply-add per step, so they are bit-identical to each other; `portable` (Swift SIMD, no
/// FMA) rounds each product before adding it, so it differs from them in the last bits
/// (GEMM's relative error stays near k·2^-52, far inside the contract's 1e-9).
public enum KernelPath: String, CaseIterable, Sendable {
    /// 8×16 tile, `SIMD8<Double>`-wide (zmm) fused multiply-adds.
    case avx512
    /// 4×12 tile, ymm fused multiply-adds.
    case avx2
    /// 4×12 tile in Swift `SIMD4<Double>`, multiply then add: runs on any CPU the build runs on.
    case portable

    /// The environment variable that forces a path (gradserver, gradbench, tests).
    public static let environmentVariable = "GRADSERVER_KERNELS"

    /// The paths this CPU (and OS) runs, fastest first; `portable` always.
    public static let supported: [KernelPath] = {
        let features = Int(gemm_cpu_features())
        var paths: [KernelPath] = []
        if features & GEMM_CPU_AVX512F != 0 { paths.append(.avx512) }
        if features & GEMM_CPU_AVX2_FMA != 0 { paths.append(.avx2) }
        return paths + [.portable]
    }()

    public var isSupported: Bool { KernelPath.supported.contains(self) }

    /// Rows of the register tile (and of a packed A micro-panel).
    var mr: Int { self == .avx512 ? 8 : 4 }
    /// Columns of the register tile (and of a packed B micro-panel).
    var nr: Int { self == .avx512 ? 16 : 12 }
    /// Columns of a packed B panel: `GEMMBlocking.nc` rounded down to whole micro-panels.
    var nc: Int { GEMMBlocking.nc / nr * nr }
    /// Whether each multiply-add is fused (one rounding).
    var fusesMultiplyAdd: Bool { self != .portable }
}

/// A kernel path that cannot run here: an unknown name or a CPU without the instructions.
public struct KernelPathError: Error, CustomStringConvertible {
    public let description: String
}

extension KernelPath {
    /// The path called `name`, if this CPU runs it.
    public static func named(_ name: String) throws(KernelPathError) -> KernelPath {
        guard let path = KernelPath(rawValue: name) else {
            let names = allCases.map(\.rawValue).joined(separator: "|")
            throw KernelPathError(description: "unknown kernel path '\(name)' (expected \(names))")
        }
        guard path.isSupported else {
            let runnable = supported.map(\.rawValue).joined(separator: ", ")
            throw KernelPathError(
                description: "kernel path '\(name)' needs CPU features this machine lacks (it runs: \(runnable))")
        }
        return path
    }

    /// `GRADSERVER_KERNELS` when set, else the fastest supported path.
    public static func fromEnvironment() throws(KernelPathError) -> KernelPath {
        guard let value = getenv(environmentVariable), let name = String(validatingCString: value), !name.isEmpty
        else { return supported[0] }
        do { return try named(name) } catch {
            throw KernelPathError(description: "\(environmentVariable): \(error.description)")
        }
    }

    /// 0 until chosen, then `code` of the process's path.
    private static let chosen = Atomic<UInt8>(0)

    /// Sets the path of every later GEMM in this process (gradserver at startup, gradbench's
    /// `--kernels`); `path` must be supported.
    public static func select(_ path: KernelPath) throws(KernelPathError) {
        _ = try named(path.rawValue)
        chosen.store(path.code, ordering: .relaxed)
    }

    /// The process's path: the one selected, else `fromEnvironment()` on first use. A bad
    /// `GRADSERVER_KERNELS` stops the process here with its message (executables call
    /// `fromEnvironment` at startup to report it before serving).
    public static var process: KernelPath {
        let code = chosen.load(ordering: .relaxed)
        if code != 0 { return KernelPath(code: code) }
        let path: KernelPath
        do { path = try fromEnvironment() } catch { fatalError(error.description) }
        chosen.store(path.code, ordering: .relaxed)
        return path
    }

    /// Overrides the process's path for GEMMs started from this task or thread (tests run each
    /// path this way; nothing else should).
    @TaskLocal static var override: KernelPath?

    /// The path a GEMM started here uses.
    public static var active: KernelPath {
        guard let path = override else { return process }
        precondition(path.isSupported, "kernel path \(path) is not supported on this CPU")
        return path
    }

    private var code: UInt8 {
        switch self {
        case .avx512: 1
        case .avx2: 2
        case .portable: 3
        }
    }

    private init(code: UInt8) {
        self = code == 1 ? .avx512 : code == 2 ? .avx2 : .portable
    }
}
