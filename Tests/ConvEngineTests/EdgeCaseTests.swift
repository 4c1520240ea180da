import Testing

@testable import ConvEngine

/// PyTorch's edge cases the contract names, checked on tiny hand-made inputs.
@Suite struct EdgeCaseTests {
    @Test func reluGradientAtZeroIsZero_leakyIsSlope() {
        let x = Tensor(shape: [1, 3], data: [-1, 0, 2])
        let g = Tensor(shape: [1, 3], repeating: 1)
        #expect(ReLU().backward(input: x, output: ReLU().forward(x), gradOutput: g).input.data == [0, 0, 1])
        let leaky = LeakyReLU(negativeSlope: 0.25)
        #expect(leaky.forward(x).data == [-0.25, 0, 2])
        #expect(leaky.backward(input: x, output: leaky.forward(x), gradOutput: g).input.data == [0.25, 0.25, 1])
    }

    @Test func l1GradientAtZeroDifferenceIsZero() throws {
        let spec = LossSpec(kind: .l1, reduction: .sum, target: .values(Tensor(shape: [1, 3], data: [1, 2, 3])))
        let r = try spec.evaluate(output: Tensor(shape: [1, 3], data: [0, 2, 5]))
        #expect(r.loss == 3)
        #expect(r.gradient.data == [-1, 0, 1])
    }

    /// Ties go to the first maximum in row-major window order; overlapping windows accumulate.
    @Test func maxPoolTiesGoToFirstMaximum() throws {
        let spec = MaxPool2d(kernel: Pair(2), stride: Pair(1))
        let x = Tensor(shape: [1, 1, 2, 3], data: [5, 5, 5, 5, 5, 5])
        #expect(try spec.forward(x).data == [5, 5])
        let dx = spec.backward(input: x, gradOutput: Tensor(shape: [1, 1, 1, 2], data: [1, 10]))
        #expect(dx.data == [1, 10, 0, 0, 0, 0])
    }

    /// ceil_mode: a last window that starts in the right padding is dropped; one that runs past the
    /// padded input is divided by its clipped size.
    @Test func ceilModeOutputSizesAndAvgDivisor() throws {
        #expect(
            try MaxPool2d(kernel: Pair(2), stride: Pair(2), ceilMode: true).outputSize(height: 5, width: 4)
                == Pair(3, 2))
        // in 4, k 2, s 2, pad 1, ceil: floor-mode gives 3; ceil gives 4 but window 3 starts at 5 >= 4 + 1.
        #expect(
            try MaxPool2d(kernel: Pair(2), stride: Pair(2), padding: Pair(1), ceilMode: true).outputSize(
                height: 4, width: 4) == Pair(3, 3))
        let avg = AvgPool2d(kernel: Pair(2), stride: Pair(2), ceilMode: true, countIncludePad: true)
        let y = try avg.forward(Tensor(shape: [1, 1, 1, 3], data: [2, 4, 9]))
        // kernel 2x2 over a 1x3 input: windows clip to 1x2 and 1x1 (past the input, no padding).
        #expect(y.data == [3, 9])
    }

    @Test func avgPoolCountIncludePad() throws {
        let x = Tensor(shape: [1, 1, 2, 2], data: [4, 4, 4, 4])
        let include = AvgPool2d(kernel: Pair(2), stride: Pair(2), padding: Pair(1), countIncludePad: true)
        let exclude = AvgPool2d(kernel: Pair(2), stride: Pair(2), padding: Pair(1), countIncludePad: false)
        #expect(try include.forward(x).data == [1, 1, 1, 1])
        #expect(try exclude.forward(x).data == [4, 4, 4, 4])
    }

    @Test func samePaddingPutsTheOddExtraBottomRight() throws {
        let even = Conv2d(weight: Tensor(shape: [1, 1, 2, 4]), padding: .same)
        #expect(try even.spec.resolvedPadding() == ResolvedPadding(top: 0, bottom: 1, left: 1, right: 2))
        let dilated = Conv2d(weight: Tensor(shape: [1, 1, 3, 2]), padding: .same, dilation: Pair(2, 3))
        #expect(try dilated.spec.resolvedPadding() == ResolvedPadding(top: 2, bottom: 2, left: 1, right: 2))
        #expect(try dilated.spec.outputSize(height: 5, width: 6) == Pair(5, 6))
        #expect(
            try Conv2d(weight: Tensor(shape: [1, 1, 3, 3]), stride: Pair(2)).spec.outputSize(height: 7, width: 8)
                == Pair(3, 3))
    }

    /// Reflect, replicate and circular padding of [1, 2, 3] by 2 on each side, through a 1x1 conv.
    @Test func paddingModesCopyTheRightElements() throws {
        let x = Tensor(shape: [1, 1, 1, 3], data: [1, 2, 3])
        func padded(_ mode: PaddingMode) throws -> [Double] {
            let spec = Conv2d(
                weight: Tensor(shape: [1, 1, 1, 1], data: [1]), padding: .explicit(Pair(0, 2)), paddingMode: mode)
            return try spec.forward(x).data
        }
        #expect(try padded(.zeros) == [0, 0, 1, 2, 3, 0, 0])
        #expect(try padded(.reflect) == [3, 2, 1, 2, 3, 2, 1])
        #expect(try padded(.replicate) == [1, 1, 1, 2, 3, 3, 3])
        #expect(try padded(.circular) == [2, 3, 1, 2, 3, 1, 2])
    }

    @Test func costAndShapesWithoutComputing() throws {
        let network = Network(layers: [
            Conv2d(weight: Tensor(shape: [8, 3, 3, 3]), padding: .same), ReLU(), Flatten(),
        ])
        #expect(try network.outputShapes(inputShape: [2, 3, 10, 10]) == [[2, 8, 10, 10], [2, 8, 10, 10], [2, 800]])
        let cost = NetworkCost(layers: network.layers, inputShape: [2, 3, 10, 10])
        // conv: forward 2*8*100*27 multiply-adds, backward twice that; relu 3 per element; flatten none.
        #expect(cost.work == 3 * (2 * 8 * 100 * 27) + 3 * 1600)
        #expect(cost.shapes == [[2, 8, 10, 10], [2, 8, 10, 10], [2, 800]])
        // The conv output, larger than its padded input (864).
        #expect(cost.largestTensor == 1600 && cost.largestAt == 0)
        #expect(cost.heldElements == 600 + 2 * (1600 + 1600 + 1600))
    }

    @Test func cancellationStopsBetweenLayers() {
        let network = Network(layers: [ReLU(), Tanh()])
        #expect(throws: CancelledError.self) {
            try network.forward(Tensor(shape: [1, 2]), cancel: { true })
        }
    }
}

/// Non-finite values follow PyTorch's scan `val > maxval || isnan(val)`: a NaN wins its window,
/// the last NaN taking the gradient.
@Test func maxPoolNaNWinsItsWindow() throws {
    let spec = MaxPool2d(kernel: Pair(2))
    let x = Tensor(shape: [1, 1, 2, 4], data: [1, .nan, 5, 6, 3, .nan, 7, 8])
    let y = try spec.forward(x)
    #expect(y.data[0].isNaN)
    #expect(y.data[1] == 8)
    let dx = spec.backward(input: x, gradOutput: Tensor(shape: [1, 1, 1, 2], data: [1, 2]))
    #expect(dx.data == [0, 0, 0, 0, 0, 1, 0, 2])
}

@Test func allocatorTuningIsAcceptedByGlibc() {
    #expect(AllocatorTuning.retainFreedMemory())
}
