import ConvEngine
import JSONCodec
import Testing

@testable import GradAPI

/// A nested tensor as the parser reads it (one `NumberBlock`, JSONCodec's NumberBlock.swift) must
/// decode exactly as the same JSON read as nested arrays of rows: the same tensor, or the same error.
@Suite struct TensorBlockDecodingTests {
    /// The tensor or the error `value` decodes to, as text.
    private func outcome(_ value: JSONValue, maxElements: Int = 1_000) -> String {
        do {
            let tensor = try TensorDecoder(maxElements: maxElements).decode(value, at: JSONPath("input"))
            return "tensor \(tensor.shape) \(tensor.data.map(\.bitPattern))"
        } catch {
            return "error \(error)"
        }
    }

    private func block(_ shape: [Int]) -> NumberBlock {
        NumberBlock(shape: shape, data: (0..<shape.reduce(1, *)).map { Double($0) * 0.25 - 1 })
    }

    @Test(arguments: [[2, 3], [2, 1, 3], [1, 1, 1, 2], [3, 1, 1, 1, 1, 1, 1, 1, 2]])
    func block_decodesAsItsNestedArrays(shape: [Int]) {
        let value = block(shape)
        let decoded = outcome(.numberBlock(value))
        #expect(decoded == outcome(value.nestedValue))
        #expect(decoded.hasPrefix("tensor \(shape)"))
    }

    @Test func block_overTheLimit_failsAsItsNestedArrays() {
        let value = block([4, 5, 6])
        let decoded = outcome(.numberBlock(value), maxElements: 100)
        #expect(decoded == outcome(value.nestedValue, maxElements: 100))
        #expect(decoded.contains("the limit is 100"))
    }

    @Test func block_deeperThanNineDims_failsAsItsNestedArrays() {
        let value = block(Array(repeating: 1, count: 10))
        let decoded = outcome(.numberBlock(value))
        #expect(decoded == outcome(value.nestedValue))
        #expect(decoded.contains("nested more than 8 deep"))
    }

    @Test func block_asFlatData_failsAsItsNestedArrays() {
        let value = block([2, 2])
        func form(_ data: JSONValue) -> JSONValue {
            .object(JSONObject([("shape", .numbers([4])), ("data", data)]))
        }
        let decoded = outcome(form(.numberBlock(value)))
        #expect(decoded == outcome(form(value.nestedValue)))
        #expect(decoded.contains("input.data[0]"))
    }

    /// Through the parser: a ragged tensor is not a block, and its error names the row at fault.
    @Test func parsedRaggedTensor_namesTheRowAtFault() throws {
        let value = try parseJSON(Array("[[[1.5,2.5],[3.5,4.5]],[[5.5,6.5],[7.5]]]".utf8))
        #expect(outcome(value).contains("input[1][1] is an array of 1 numbers where an array of 2 numbers"))
    }
}
