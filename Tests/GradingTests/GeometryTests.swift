import ConvEngine
import Testing

@testable import Grading

@Suite struct GeometryTests {
    @Test func samePadding_putsTheOddExtraRowAfter() {
        let spec = Conv2d(weight: Tensor(shape: [1, 1, 4, 3]), padding: .same, dilation: Pair(1, 2))
        let g = ConvGeometry(spec: spec.spec, inputShape: [1, 1, 6, 7])
        #expect((g.padTop, g.padBottom, g.padLeft, g.padRight) == (1, 2, 2, 2))
        #expect((g.outH, g.outW) == (6, 7))
    }

    @Test func paddingModes_resolveToTheCopiedElement() {
        #expect(ConvGeometry.source(-2, size: 5, before: 2, after: 2, mode: .reflect) == 2)
        #expect(ConvGeometry.source(6, size: 5, before: 2, after: 2, mode: .reflect) == 2)
        #expect(ConvGeometry.source(-2, size: 5, before: 2, after: 2, mode: .replicate) == 0)
        #expect(ConvGeometry.source(6, size: 5, before: 2, after: 2, mode: .circular) == 1)
        #expect(ConvGeometry.source(-1, size: 5, before: 2, after: 2, mode: .zeros) == nil)
        #expect(ConvGeometry.source(3, size: 5, before: 0, after: 0, mode: .zeros) == 3)
    }

    @Test func convOutputSize_followsStridePaddingDilation() {
        let spec = Conv2d(
            weight: Tensor(shape: [2, 1, 3, 3]), stride: Pair(2, 3), padding: .explicit(Pair(1)), dilation: Pair(2))
        let g = ConvGeometry(spec: spec.spec, inputShape: [1, 1, 9, 10])
        // (9 + 2 - 4 - 1) / 2 + 1 = 4, (10 + 2 - 4 - 1) / 3 + 1 = 3
        #expect((g.outH, g.outW) == (4, 3))
    }

    @Test func ceilModePool_dropsAWindowStartingInThePadding() {
        // PyTorch: max_pool2d(5x5, k=2, s=2, p=1, ceil_mode=True) -> 3x3; without the rule it would be 4.
        let g = MaxPool2d(kernel: Pair(2), padding: Pair(1), ceilMode: true).geometry(inputShape: [1, 1, 5, 5])
        #expect((g.outH, g.outW) == (3, 3))
        let h = MaxPool2d(kernel: Pair(2), ceilMode: true).geometry(inputShape: [1, 1, 5, 5])
        #expect(h.outH == 3)
    }

    @Test func maxPoolArgmax_breaksTiesToTheFirstInRowMajorOrder() {
        let g = MaxPool2d(kernel: Pair(2)).geometry(inputShape: [1, 1, 2, 2])
        #expect(g.argmax([1, 3, 3, 2], base: 0, 0, 0) == 1)
    }

    @Test func averageDivisor_clipsToPaddedInputOrToInput() {
        let g = AvgPool2d(kernel: Pair(3), stride: Pair(2), padding: Pair(1), ceilMode: true).geometry(inputShape: [
            1, 1, 4, 4,
        ])
        #expect(g.averageDivisor(0, 0, countIncludePad: true) == 9)
        #expect(g.averageDivisor(0, 0, countIncludePad: false) == 4)
        // window 2 starts at row 3 and is clipped to the padded input's end (row 5): 2 rows.
        #expect(g.averageDivisor(2, 2, countIncludePad: true) == 4)
    }

    @Test func tensorHelpers_rotatePermuteAndSum() {
        let t = Tensor(shape: [1, 2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(t.rotated180().data == [4, 3, 2, 1, 8, 7, 6, 5])
        #expect(Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]).permuted([1, 0]).data == [1, 4, 2, 5, 3, 6])
        #expect(t.summed(over: [0, 2, 3]).data == [10, 26])
        #expect(t.summed(over: [1]).shape == [1, 2, 2])
    }
}
