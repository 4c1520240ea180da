import Testing

@testable import ConvEngine

/// Problems the engine must refuse with a typed error: the code, the site (layer index and field)
/// and a message naming both shapes.
@Suite struct ValidationTests {
    static func conv(
        _ weight: [Int], bias: [Int]? = nil, stride: Pair = Pair(1), padding: ConvPadding = .explicit(Pair(0)),
        dilation: Pair = Pair(1), groups: Int = 1, mode: PaddingMode = .zeros
    ) -> any Layer {
        Conv2d(
            weight: Tensor(shape: weight, repeating: 0.5), bias: bias.map { Tensor(shape: $0, repeating: 0.1) },
            stride: stride, padding: padding, dilation: dilation, groups: groups, paddingMode: mode)
    }

    /// Runs `layers` forward on a zero input of `input` and returns the error it throws.
    static func error(_ layers: [any Layer], input: [Int], loss: LossSpec? = nil) -> EngineError? {
        do {
            _ = try Network(layers: layers).forward(Tensor(shape: input), loss: loss)
            return nil
        } catch let e as EngineError {
            return e
        } catch {
            return nil
        }
    }

    static func expectError(
        _ e: EngineError?, code: String, site: ErrorSite, mentions: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let e else {
            Issue.record("no error thrown, expected \(code) at \(site)", sourceLocation: sourceLocation)
            return
        }
        #expect(e.code.rawValue == code, "\(e)", sourceLocation: sourceLocation)
        #expect(e.site == site, "\(e)", sourceLocation: sourceLocation)
        for text in mentions {
            #expect(
                e.message.contains(text), "message '\(e.message)' should mention \(text)",
                sourceLocation: sourceLocation)
        }
    }

    @Test func convChannelMismatch_namesBothShapes() {
        let e = Self.error([Self.conv([2, 1, 3, 3])], input: [1, 3, 5, 5])
        Self.expectError(
            e, code: "shape_mismatch", site: .layer(0, field: "weight"),
            mentions: ["layer 0 (conv2d)", "[1, 3, 5, 5]", "[2, 1, 3, 3]", "expects 1"])
    }

    @Test func convGroupsNotDividingChannels() {
        Self.expectError(
            Self.error([Self.conv([4, 1, 3, 3], groups: 2)], input: [1, 3, 5, 5]), code: "shape_mismatch",
            site: .layer(0, field: "groups"), mentions: ["groups 2", "[1, 3, 5, 5]"])
        Self.expectError(
            Self.error([Self.conv([3, 2, 3, 3], groups: 2)], input: [1, 4, 5, 5]), code: "shape_mismatch",
            site: .layer(0, field: "groups"), mentions: ["groups 2", "[3, 2, 3, 3]"])
    }

    @Test func kernelLargerThanPaddedInput() {
        let e = Self.error([Self.conv([1, 1, 5, 5], padding: .explicit(Pair(1)))], input: [1, 1, 2, 2])
        Self.expectError(e, code: "kernel_too_large", site: .layer(0, field: "weight"), mentions: ["[5, 5]", "[2, 2]"])
        let dilated = Self.error([Self.conv([1, 1, 3, 3], dilation: Pair(3))], input: [1, 1, 6, 6])
        Self.expectError(
            dilated, code: "kernel_too_large", site: .layer(0, field: "weight"), mentions: ["dilation 3", "[6, 6]"])
    }

    @Test func samePaddingWithStrideTwo() {
        Self.expectError(
            Self.error([Self.conv([1, 1, 3, 3], stride: Pair(2), padding: .same)], input: [1, 1, 5, 5]),
            code: "invalid_value", site: .layer(0, field: "padding"), mentions: ["same", "stride is 2"])
    }

    @Test func reflectPaddingMustBeSmallerThanInput() {
        let e = Self.error(
            [Self.conv([1, 1, 3, 3], padding: .explicit(Pair(3)), mode: .reflect)], input: [1, 1, 3, 8])
        Self.expectError(e, code: "invalid_value", site: .layer(0, field: "padding"), mentions: ["reflect", "[3, 8]"])
        #expect(
            Self.error([Self.conv([1, 1, 3, 3], padding: .explicit(Pair(2)), mode: .reflect)], input: [1, 1, 3, 3])
                == nil)
    }

    @Test func circularPaddingMayEqualButNotExceedInput() {
        #expect(
            Self.error([Self.conv([1, 1, 3, 3], padding: .explicit(Pair(3)), mode: .circular)], input: [1, 1, 3, 3])
                == nil)
        let e = Self.error(
            [Self.conv([1, 1, 3, 3], padding: .explicit(Pair(4)), mode: .circular)], input: [1, 1, 3, 3])
        Self.expectError(e, code: "invalid_value", site: .layer(0, field: "padding"), mentions: ["circular", "[3, 3]"])
    }

    @Test func nonPositiveHyperparameters() {
        Self.expectError(
            Self.error([Self.conv([1, 1, 2, 2], stride: Pair(0, 1))], input: [1, 1, 4, 4]),
            code: "invalid_value", site: .layer(0, field: "stride"), mentions: ["stride"])
        Self.expectError(
            Self.error([Self.conv([1, 1, 2, 2], dilation: Pair(-1))], input: [1, 1, 4, 4]),
            code: "invalid_value", site: .layer(0, field: "dilation"), mentions: ["dilation"])
        Self.expectError(
            Self.error([Self.conv([1, 1, 2, 2], groups: 0)], input: [1, 1, 4, 4]),
            code: "invalid_value", site: .layer(0, field: "groups"), mentions: ["groups"])
        let pool = MaxPool2d(kernel: Pair(0, 2))
        Self.expectError(
            Self.error([pool], input: [1, 1, 4, 4]), code: "invalid_value", site: .layer(0, field: "kernel_size"),
            mentions: ["kernel_size"])
        let negativePad = Self.conv([1, 1, 2, 2], padding: .explicit(Pair(-1, 0)))
        Self.expectError(
            Self.error([negativePad], input: [1, 1, 4, 4]), code: "invalid_value", site: .layer(0, field: "padding"),
            mentions: ["padding"])
    }

    @Test func poolPaddingOverHalfTheKernel() {
        let maxPool = MaxPool2d(kernel: Pair(3), padding: Pair(2))
        Self.expectError(
            Self.error([maxPool], input: [1, 1, 6, 6]), code: "invalid_value", site: .layer(0, field: "padding"),
            mentions: ["layer 0 (maxpool2d)", "padding 2", "kernel size 3"])
        let avgPool = AvgPool2d(kernel: Pair(2, 4), padding: Pair(1, 3))
        Self.expectError(
            Self.error([avgPool], input: [1, 1, 6, 6]), code: "invalid_value", site: .layer(0, field: "padding"),
            mentions: ["avgpool2d", "[1, 3]"])
    }

    @Test func poolLargerThanInput() {
        let pool = MaxPool2d(kernel: Pair(4))
        Self.expectError(
            Self.error([ReLU(), pool], input: [1, 1, 3, 3]), code: "kernel_too_large",
            site: .layer(1, field: "kernel_size"), mentions: ["layer 1 (maxpool2d)", "[1, 1, 3, 3]"])
    }

    @Test func rankErrors_atInputForFirstLayer_atLayerLater() {
        Self.expectError(
            Self.error([Self.conv([1, 1, 2, 2])], input: [4, 4]), code: "shape_mismatch", site: .input,
            mentions: ["[4, 4]", "[N, C, H, W]"])
        let linear = Linear(weight: Tensor(shape: [2, 9]))
        Self.expectError(
            Self.error([Self.conv([1, 1, 2, 2]), linear], input: [1, 1, 4, 4]), code: "shape_mismatch",
            site: .layer(1, field: nil), mentions: ["layer 1 (linear)", "[1, 1, 3, 3]", "[N, in_features]"])
    }

    @Test func linearFeatureAndBiasMismatch() {
        let linear = Linear(weight: Tensor(shape: [2, 8]))
        Self.expectError(
            Self.error([Flatten(), linear], input: [1, 1, 3, 3]), code: "shape_mismatch",
            site: .layer(1, field: "weight"),
            mentions: ["[1, 9]", "[2, 8]"])
        let badBias = Linear(weight: Tensor(shape: [2, 9]), bias: Tensor(shape: [3]))
        Self.expectError(
            Self.error([Flatten(), badBias], input: [1, 1, 3, 3]), code: "shape_mismatch",
            site: .layer(1, field: "bias"),
            mentions: ["[3]", "[2, 9]"])
        Self.expectError(
            Self.error([Self.conv([2, 1, 2, 2], bias: [1])], input: [1, 1, 3, 3]), code: "shape_mismatch",
            site: .layer(0, field: "bias"), mentions: ["[1]", "[2, 1, 2, 2]"])
    }

    @Test func hugeSizesThrowTooLargeInsteadOfTrapping() {
        let hugePad = Self.conv([1, 1, 1, 1], padding: .explicit(Pair(1 << 40)))
        Self.expectError(
            Self.error([hugePad], input: [1, 1, 2, 2]), code: "too_large", site: .layer(0, field: nil),
            mentions: ["exceeds"])
        let overflowPad = Self.conv([1, 1, 1, 1], padding: .explicit(Pair(Int.max)))
        Self.expectError(
            Self.error([overflowPad], input: [1, 1, 2, 2]), code: "too_large", site: .layer(0, field: nil),
            mentions: ["exceeds"])
        let hugeDilation = Self.conv([1, 1, 4, 4], dilation: Pair(Int.max / 2))
        Self.expectError(
            Self.error([hugeDilation], input: [1, 1, 2, 2]), code: "too_large", site: .layer(0, field: nil),
            mentions: [])
        let hugeStride = MaxPool2d(kernel: Pair(2), stride: Pair(Int.max), ceilMode: true)
        Self.expectError(
            Self.error([hugeStride], input: [1, 1, 4, 4]), code: "too_large", site: .layer(0, field: nil), mentions: [])
    }
}

/// A pool kernel far larger than the input is legal in PyTorch when the padding covers it
/// (pad <= kernel/2); its window sizes must not overflow anywhere.
@Test func hugePoolKernelDoesNotOverflow() throws {
    let k = Pair(1 << 40)
    let avg = AvgPool2d(kernel: k, padding: Pair(1 << 39), countIncludePad: true)
    let y = try avg.forward(Tensor(shape: [1, 1, 1, 1], data: [4]))
    #expect(y.shape == [1, 1, 1, 1])
    #expect(y.data[0] == 4 / (Double(1 << 40) * Double(1 << 40)))
    let maxPool = MaxPool2d(kernel: k, padding: Pair(1 << 39))
    #expect(try maxPool.forward(Tensor(shape: [1, 1, 1, 1], data: [4])).data == [4])
    #expect(NetworkCost(layers: [maxPool], inputShape: [1, 1, 1, 1]).work == 2 * 0x1p80)  // no Int product, no trap
}
