// swift-tools-version:6.2
import PackageDescription

// One binary for AVX2 and AVX-512 CPUs (issue 17). The GEMM microkernels (AVX-512 8x16, AVX2+FMA
// 4x12) live in the C target GEMMMicrokernels, each function compiled with its own
// __attribute__((target(...))) and called only when cpuid says the CPU has the features
// (Sources/ConvEngine/Kernels/KernelPath.swift; GRADSERVER_KERNELS=avx512|avx2|portable forces one).
// The Swift modules are built with -target-cpu haswell (AVX2, ~1.5x on mnist's and cifar's non-GEMM
// work: docs/PERFORMANCE.md); Swift does not contract a*b+c, so they contain no FMA and no AVX-512
// instruction (checked with objdump, docs/PERFORMANCE.md). On a CPU without AVX2 the binary exits at
// load with a message (GEMMMicrokernels/CPUFeatures.c) instead of SIGILL;
// CONVGRAD_PORTABLE=1 builds baseline x86-64 Swift modules for such CPUs (portable kernels there).
let portable = Context.environment["CONVGRAD_PORTABLE"] != nil
let cpuSettings: [SwiftSetting] = portable ? [] : [.unsafeFlags(["-target-cpu", "haswell"])]
let kernelCSettings: [CSetting] =
    [.unsafeFlags(["-O2", "-ffp-contract=off", "-mllvm", "-enable-misched=false"])]
    + (portable ? [] : [.define("CONVGRAD_SWIFT_NEEDS_HASWELL")])

let package = Package(
    // Linux only: the server's sockets, signals and allocator calls are Glibc's (Sources/HTTPServer/Socket.swift,
    // GlibcMalloc.swift), so no Apple platform is declared.
    name: "ConvGrad",
    products: [
        .executable(name: "gradserver", targets: ["gradserver"]),
        .executable(name: "gradclient", targets: ["gradclient"]),
        .executable(name: "gradbench", targets: ["gradbench"]),
        .library(name: "GradClient", targets: ["GradClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Numerics: tensors, ops (forward + backward side by side), losses, the sequential network.
        .target(name: "ConvEngine", dependencies: ["GEMMMicrokernels"], swiftSettings: cpuSettings),
        // The AVX2+FMA and AVX-512 microkernels (C with per-function target attributes, cpuid).
        // Optimized in debug builds too (the tests run every path); no contraction of a*b+c into
        // fma beyond the intrinsics written out; and no pre-RA machine scheduling, which made
        // clang spill an accumulator of the 16-ymm AVX2 tile on every step (docs/PERFORMANCE.md).
        .target(
            name: "GEMMMicrokernels",
            cSettings: kernelCSettings),
        // Diagnosis of students' mistakes, the chain rule per element, gradient checks.
        .target(name: "Grading", dependencies: ["ConvEngine"], swiftSettings: cpuSettings),
        // Bytes in, values out: JSON reader and writer.
        .target(name: "JSONCodec", swiftSettings: cpuSettings),
        // Bytes in, values out: HTTP/1.1 request parser, response serializer, router.
        .target(name: "HTTP1"),
        // Sockets, Dispatch, connections, deadlines, the compute pool, draining, metrics.
        .target(
            name: "HTTPServer",
            dependencies: [
                "CEpoll",
                "HTTP1",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        // The contract's wire format and routes.
        .target(
            name: "GradAPI", dependencies: ["HTTP1", "JSONCodec", "ConvEngine", "Grading"],
            swiftSettings: cpuSettings),
        .executableTarget(
            name: "gradserver",
            dependencies: [
                "HTTPServer", "GradAPI", "ConvEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // epoll(7), which Glibc's module leaves out: one readiness set per event loop.
        .systemLibrary(name: "CEpoll"),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "GradClient", dependencies: ["CCurl"]),
        .executableTarget(
            name: "gradclient",
            dependencies: [
                "GradClient", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "gradbench", dependencies: ["ConvEngine", "JSONCodec", "GradAPI", "HTTP1", "TestSupport"],
            path: "bench/gradbench", swiftSettings: cpuSettings),

        // What the test targets and gradbench share: the seeded generator.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ConvEngineTests", dependencies: ["ConvEngine", "JSONCodec", "TestSupport"]),
        .testTarget(name: "GradingTests", dependencies: ["Grading", "ConvEngine", "TestSupport"]),
        .testTarget(name: "JSONCodecTests", dependencies: ["JSONCodec", "TestSupport"]),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1", "TestSupport"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "HTTP1"]),
        .testTarget(
            name: "GradAPITests",
            dependencies: ["GradAPI", "Grading", "HTTP1", "JSONCodec", "ConvEngine", "TestSupport"]),
        .testTarget(
            name: "IntegrationTests", dependencies: ["GradClient", "JSONCodec"],
            exclude: []),
    ]
)
