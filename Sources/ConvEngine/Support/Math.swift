#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The C library's elementary functions, so the engine needs no Foundation.
enum Math {
    @inline(__always) static func exponential(_ x: Double) -> Double { exp(x) }
    @inline(__always) static func logarithm(_ x: Double) -> Double { log(x) }
    @inline(__always) static func log1p(_ x: Double) -> Double { cLog1p(x) }
    @inline(__always) static func hyperbolicTangent(_ x: Double) -> Double { tanh(x) }
    @inline(__always) static func errorFunction(_ x: Double) -> Double { erf(x) }
}

@inline(__always) private func cLog1p(_ x: Double) -> Double { log1p(x) }
