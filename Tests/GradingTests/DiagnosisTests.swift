import ConvEngine
import Testing

@testable import Grading

/// Each of the usual mistakes planted by hand (or by the engine on an altered problem) must get its
/// code. Helper: grade `submitted` as `name` and return the diagnosis code.
private func code(_ solution: Solution, _ name: String, _ submitted: Tensor) -> DiagnosisCode? {
    Fixtures.diagnose(solution, name, submitted)?.code
}

@Suite struct DiagnosisTests {
    @Test func rotatedWeightGradient_isKernelFlipped() throws {
        let s = try Fixtures.solve(Fixtures.convNet())
        let g = try #require(s.expected(named: "0.weight"))
        var flipped = g
        for co in 0..<2 {
            for ci in 0..<3 {
                for ki in 0..<3 {
                    for kj in 0..<3 {
                        flipped[[co, ci, ki, kj]] = g[[co, ci, 2 - ki, 2 - kj]]
                    }
                }
            }
        }
        #expect(code(s, "0.weight", flipped) == DiagnosisCode.kernelFlipped)
    }

    @Test func inputGradientThroughRotatedKernel_isKernelFlipped() throws {
        let p = Fixtures.convNet()
        let s = try Fixtures.solve(p)
        guard case let spec as Conv2d = p.layers[0] else { return }
        var rotated = spec.weight
        for co in 0..<2 {
            for ci in 0..<3 {
                for ki in 0..<3 {
                    for kj in 0..<3 {
                        rotated[[co, ci, ki, kj]] = spec.weight[[co, ci, 2 - ki, 2 - kj]]
                    }
                }
            }
        }
        let wrong = try Planted.convBackward(p, weight: rotated, gradOutput: s.backward.activationGradients[0])
            .inputGradient
        #expect(code(s, "input", wrong) == DiagnosisCode.kernelFlipped)
    }

    @Test func linearWeightGradientTransposed_isTransposed() throws {
        let s = try Fixtures.solve(Fixtures.denseNet())
        let g = try #require(s.expected(named: "0.weight"))
        var t = Tensor(shape: [5, 3])
        for o in 0..<3 { for f in 0..<5 { t[[f, o]] = g[[o, f]] } }
        #expect(code(s, "0.weight", t) == DiagnosisCode.transposed)
    }

    @Test func convWeightWithChannelAxesSwapped_isAxesPermuted() throws {
        let s = try Fixtures.solve(Fixtures.convNet())
        let g = try #require(s.expected(named: "0.weight"))
        var t = Tensor(shape: [3, 2, 3, 3])
        for co in 0..<2 {
            for ci in 0..<3 {
                for ki in 0..<3 {
                    for kj in 0..<3 {
                        t[[ci, co, ki, kj]] = g[[co, ci, ki, kj]]
                    }
                }
            }
        }
        #expect(code(s, "0.weight", t) == DiagnosisCode.axesPermuted)
    }

    @Test func batchSizeTimesGradient_isConstantFactorNamingN() throws {
        let s = try Fixtures.solve(Fixtures.convNet(batch: 4))
        let d = Fixtures.diagnose(s, "0.weight", try #require(s.expected(named: "0.weight")).scaled(4))
        #expect(d?.code == DiagnosisCode.constantFactor)
        #expect(d?.message.contains("N = 4") == true)
        let inverse = Fixtures.diagnose(s, "4.bias", try #require(s.expected(named: "4.bias")).scaled(0.25))
        #expect(inverse?.message.contains("1/N = 1/4") == true)
    }

    @Test func halfTheMseGradient_isConstantFactorNamingOneHalf() throws {
        let s = try Fixtures.solve(Fixtures.denseNet())
        let d = Fixtures.diagnose(s, "0.weight", try #require(s.expected(named: "0.weight")).scaled(0.5))
        #expect(d?.code == DiagnosisCode.constantFactor)
        #expect(d?.message.contains("1/2") == true)
        let twice = Fixtures.diagnose(s, "0.bias", try #require(s.expected(named: "0.bias")).scaled(2))
        #expect(twice?.code == DiagnosisCode.constantFactor && twice?.message.contains("is 2 times") == true)
    }

    @Test func windowSizeTimesGradient_isConstantFactorNamingKhKw() throws {
        let s = try Fixtures.solve(Fixtures.convNet(batch: 3))
        let d = Fixtures.diagnose(s, "0.weight", try #require(s.expected(named: "0.weight")).scaled(4))
        #expect(d?.code == DiagnosisCode.constantFactor)
        #expect(d?.message.contains("kh*kw = 4") == true)
    }

    @Test func negatedGradient_isWrongSign() throws {
        let s = try Fixtures.solve(Fixtures.lesson())
        for name in ["input", "0.weight", "2.weight"] {
            #expect(code(s, name, try #require(s.expected(named: name)).scaled(-1)) == DiagnosisCode.wrongSign)
        }
    }

    @Test func weightGradientWithStrideOne_isStrideIgnored() throws {
        let s = try Fixtures.solve(Fixtures.convNet(stride: Pair(2)))
        let wrong = Planted.weightGradient(
            x: s.problem.input, dZ: s.backward.activationGradients[0], kernel: 3, sh: 1, sw: 1, pad: 1)
        #expect(code(s, "0.weight", wrong) == DiagnosisCode.strideIgnored)
    }

    @Test func weightGradientWithStridesSwapped_isStridesSwapped() throws {
        let s = try Fixtures.solve(Fixtures.convNet(stride: Pair(2, 1)))
        let wrong = Planted.weightGradient(
            x: s.problem.input, dZ: s.backward.activationGradients[0], kernel: 3, sh: 1, sw: 2, pad: 1)
        #expect(code(s, "0.weight", wrong) == DiagnosisCode.stridesSwapped)
    }

    @Test func inputGradientOfThePaddedInput_isPaddingNotCropped() throws {
        let p = Fixtures.convNet(padding: 1)
        let s = try Fixtures.solve(p)
        let padded = try Planted.convBackward(
            p, input: Planted.padded(p.input, 1), padding: .explicit(Pair(0)),
            gradOutput: s.backward.activationGradients[0]
        ).inputGradient
        #expect(padded.shape == [4, 3, 10, 10])
        #expect(code(s, "input", padded) == DiagnosisCode.paddingNotCropped)
        let shifted = Planted.cropped(padded, offset: 2, size: (8, 8))
        #expect(code(s, "input", shifted) == DiagnosisCode.paddingShifted)
    }

    @Test func convBiasSummedOverBatchOnly_isBiasWrongAxes() throws {
        let s = try Fixtures.solve(Fixtures.convNet())
        let dZ = s.backward.activationGradients[0]
        var perPosition = Tensor(shape: [2, 8, 8])
        for n in 0..<4 {
            for c in 0..<2 { for i in 0..<8 { for j in 0..<8 { perPosition[[c, i, j]] += dZ[[n, c, i, j]] } } }
        }
        #expect(code(s, "0.bias", perPosition) == DiagnosisCode.biasWrongAxes)
    }

    @Test func linearBiasNotReducedOverTheBatch_isBiasWrongAxes() throws {
        let s = try Fixtures.solve(Fixtures.denseNet())
        #expect(code(s, "0.bias", s.backward.activationGradients[0]) == DiagnosisCode.biasWrongAxes)
    }

    @Test func reluMaskMissingOrFromOutputValues_isReluMaskWrong() throws {
        let p = Fixtures.convNet()
        let s = try Fixtures.solve(p)
        let dA = s.backward.activationGradients[1]
        let a = s.backward.activations[1]
        let unmasked = try Planted.convBackward(p, gradOutput: dA).parameterGradients[0][0].tensor
        #expect(code(s, "0.weight", unmasked) == DiagnosisCode.reluMaskWrong)
        let timesOutput = Tensor(shape: dA.shape, data: zip(dA.data, a.data).map { $0 * $1 })
        let wrong = try Planted.convBackward(p, gradOutput: timesOutput).parameterGradients[0][0].tensor
        #expect(code(s, "0.weight", wrong) == DiagnosisCode.reluMaskWrong)
        #expect(code(s, "0", timesOutput) == DiagnosisCode.reluMaskWrong)
    }

    @Test func maxPoolGradientSpreadOrAveraged_isMaxpoolSpread() throws {
        let p = Fixtures.convNet()
        let s = try Fixtures.solve(p)
        let dY = s.backward.activationGradients[2]
        let shape = s.backward.activations[1].shape
        for share in [1.0, 0.25] {
            let spread = Planted.spread2x2(dY, inputShape: shape, share: share)
            #expect(code(s, "1", spread) == DiagnosisCode.maxpoolSpread)
            let relu = Tensor(
                shape: shape, data: zip(spread.data, s.backward.activations[0].data).map { $1 > 0 ? $0 : 0 })
            let weight = try Planted.convBackward(p, gradOutput: relu).parameterGradients[0][0].tensor
            #expect(code(s, "0.weight", weight) == DiagnosisCode.maxpoolSpread)
        }
    }

    @Test func denseWeightReadChannelLast_isFlattenOrder() throws {
        let s = try Fixtures.solve(Fixtures.convNet())
        let g = try #require(s.expected(named: "4.weight"))  // [3, 2*4*4], features (c, h, w)
        var wrong = g
        for o in 0..<3 { for c in 0..<2 { for hw in 0..<16 { wrong[[o, hw * 2 + c]] = g[[o, c * 16 + hw]] } } }
        #expect(code(s, "4.weight", wrong) == DiagnosisCode.flattenOrder)
    }

    @Test func weightGradientOfOneSample_isPartialAccumulation() throws {
        let dense = try Fixtures.solve(Fixtures.denseNet())
        let dY = dense.backward.activationGradients[0]
        let x = dense.problem.input
        var first = Tensor(shape: [3, 5])
        for o in 0..<3 { for f in 0..<5 { first[[o, f]] = dY[[0, o]] * x[[0, f]] } }
        #expect(code(dense, "0.weight", first) == DiagnosisCode.partialAccumulation)

        let p = Fixtures.convNet()
        let s = try Fixtures.solve(p)
        let dZ = s.backward.activationGradients[0]
        let lastSample = Tensor(shape: [1] + Array(dZ.shape.dropFirst()), data: Array(dZ.data.suffix(dZ.count / 4)))
        let xLast = Tensor(shape: [1, 3, 8, 8], data: Array(p.input.data.suffix(3 * 64)))
        let wrong = try Planted.convBackward(p, input: xLast, gradOutput: lastSample).parameterGradients[0][0].tensor
        #expect(code(s, "0.weight", wrong) == DiagnosisCode.partialAccumulation)
    }

    @Test func inputGradientWithHeightAndWidthSwapped_isTransposed() throws {
        let s = try Fixtures.solve(Fixtures.convNet())
        let g = try #require(s.expected(named: "input"))
        var t = g
        for n in 0..<4 { for c in 0..<3 { for h in 0..<8 { for w in 0..<8 { t[[n, c, w, h]] = g[[n, c, h, w]] } } } }
        #expect(code(s, "input", t) == DiagnosisCode.transposed)
    }

    @Test func inputGradientWithStrideOne_isStrideIgnored() throws {
        let p = Fixtures.convNet(stride: Pair(2))
        let s = try Fixtures.solve(p)
        guard case let spec as Conv2d = p.layers[0] else { return }
        // Scatter each dL/dZ[n,co,i,j] * W[co,ci,ki,kj] to X[n,ci,i+ki-1,j+kj-1]: the stride-1 map.
        let dZ = s.backward.activationGradients[0]
        var wrong = Tensor(shape: p.input.shape)
        for n in 0..<4 {
            for co in 0..<2 {
                for i in 0..<dZ.shape[2] {
                    for j in 0..<dZ.shape[3] {
                        for ci in 0..<3 {
                            for ki in 0..<3 {
                                for kj in 0..<3 {
                                    let (r, q) = (i + ki - 1, j + kj - 1)
                                    guard r >= 0 && r < 8 && q >= 0 && q < 8 else { continue }
                                    wrong[[n, ci, r, q]] += dZ[[n, co, i, j]] * spec.weight[[co, ci, ki, kj]]
                                }
                            }
                        }
                    }
                }
            }
        }
        #expect(code(s, "input", wrong) == DiagnosisCode.strideIgnored)
    }

    @Test func weightGradientOfOneOutputPosition_isPartialAccumulation() throws {
        let p = Fixtures.convNet(padding: 1)
        let s = try Fixtures.solve(p)
        let dZ = s.backward.activationGradients[0]
        // Only output position (0, 0), every sample: X rows/columns ki - 1, kj - 1 (padding 1).
        var wrong = Tensor(shape: [2, 3, 3, 3])
        for n in 0..<4 {
            for co in 0..<2 {
                for ci in 0..<3 {
                    for ki in 0..<3 {
                        for kj in 0..<3 {
                            let (r, q) = (ki - 1, kj - 1)
                            guard r >= 0 && q >= 0 else { continue }
                            wrong[[co, ci, ki, kj]] += dZ[[n, co, 0, 0]] * p.input[[n, ci, r, q]]
                        }
                    }
                }
            }
        }
        let d = Fixtures.diagnose(s, "0.weight", wrong)
        #expect(d?.code == DiagnosisCode.partialAccumulation)
        #expect(d?.message.contains("output position (0, 0)") == true)
    }

    @Test func graderLimitedToSubmittedNames_stillCarriesMistakesBack() throws {
        let p = Fixtures.convNet()
        let s = try Fixtures.solve(p)
        let unmasked = try Planted.convBackward(p, gradOutput: s.backward.activationGradients[1]).parameterGradients[0][
            0
        ].tensor
        let grader = Grader(solution: s, names: ["0.weight"])
        #expect(grader.grade(name: "0.weight", submitted: unmasked)?.diagnosis?.code == DiagnosisCode.reluMaskWrong)
    }
}
