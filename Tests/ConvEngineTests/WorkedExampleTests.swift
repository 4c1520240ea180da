import Testing

@testable import ConvEngine

/// The lesson's worked example (openapi.yaml, "The problem"), with every value worked out by hand:
///
///     x = 4x4 image 1..16, K = [[1, 0], [0, -1]], b = 0.5, stride 2
///     z = x[2i, 2j] - x[2i+1, 2j+1] + 0.5 = 1 - 6 + 0.5 = 3 - 8 + 0.5 = ... = -4.5 for all four windows
///     y = 0.1 z1 + 0.2 z2 + 0.3 z3 + 0.4 z4 + 0 = -4.5 (the weights sum to 1)
///     L = (y - 1)^2 = (-5.5)^2 = 30.25, dL/dy = 2 (y - 1) = -11
///     dL/dz = -11 * [0.1, 0.2, 0.3, 0.4] = [-1.1, -2.2, -3.3, -4.4]
///     dL/dW_lin = -11 * z = 49.5 each, dL/db_lin = -11, dL/db_conv = sum dL/dz = -11
///     dL/dK[p, q] = sum_i dL/dz_i * x[window i top-left + (p, q)]:
///       K[0,0]: -1.1*1 - 2.2*3 - 3.3*9 - 4.4*11 = -85.8     K[0,1]: -1.1*2 - 2.2*4 - 3.3*10 - 4.4*12 = -96.8
///       K[1,0]: -1.1*5 - 2.2*7 - 3.3*13 - 4.4*15 = -129.8   K[1,1]: -1.1*6 - 2.2*8 - 3.3*14 - 4.4*16 = -140.8
///     dL/dx: +dL/dz_i at each window's top-left (K = 1), -dL/dz_i at its bottom-right (K = -1), 0 elsewhere.
@Suite struct WorkedExampleTests {
    static let network = Network(layers: [
        Conv2d(
            weight: Tensor(shape: [1, 1, 2, 2], data: [1, 0, 0, -1]), bias: Tensor(shape: [1], data: [0.5]),
            stride: Pair(2)),
        Flatten(),
        Linear(weight: Tensor(shape: [1, 4], data: [0.1, 0.2, 0.3, 0.4]), bias: Tensor(shape: [1], data: [0])),
    ])
    static let input = Tensor(shape: [1, 1, 4, 4], data: (1...16).map(Double.init))
    static let loss = LossSpec(kind: .mse, target: .values(Tensor(shape: [1, 1], data: [1])))

    @Test func forwardGivesMinusFourPointFiveAndLoss30_25() throws {
        let result = try Self.network.forward(Self.input, loss: Self.loss)
        expectClose(result.activations[0], [1, 1, 2, 2], [-4.5, -4.5, -4.5, -4.5], "z")
        expectClose(result.output, [1, 1], [-4.5], "y")
        Closeness.expect(result.loss, 30.25, case: "worked example", tensor: "loss")
    }

    @Test func backwardGivesTheHandWorkedGradients() throws {
        let r = try Self.network.backward(Self.input, seed: .loss(Self.loss))
        expectClose(r.activationGradients[2], [1, 1], [-11], "dL/dy")
        expectClose(r.activationGradients[1], [1, 4], [-1.1, -2.2, -3.3, -4.4], "dL/dz")
        expectClose(r.parameterGradients[2].weight, [1, 4], [49.5, 49.5, 49.5, 49.5], "dL/dW_lin")
        expectClose(r.parameterGradients[2].bias, [1], [-11], "dL/db_lin")
        expectClose(r.parameterGradients[0].weight, [1, 1, 2, 2], [-85.8, -96.8, -129.8, -140.8], "dL/dK")
        expectClose(r.parameterGradients[0].bias, [1], [-11], "dL/db_conv")
        let dx: [Double] = [
            -1.1, 0, -2.2, 0,
            0, 1.1, 0, 2.2,
            -3.3, 0, -4.4, 0,
            0, 3.3, 0, 4.4,
        ]
        expectClose(r.inputGradient, [1, 1, 4, 4], dx, "dL/dx")
    }

    private func expectClose(_ got: Tensor?, _ shape: [Int], _ want: [Double], _ name: String) {
        guard let got else {
            Issue.record("\(name) missing")
            return
        }
        Closeness.expect(got, Tensor(shape: shape, data: want), case: "worked example", tensor: name)
    }
}
