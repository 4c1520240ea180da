import ConvEngine
import Foundation
import JSONCodec
import Testing

@testable import GradAPI

/// Tensor forms in and out, base64, paths: the wire format's pieces on their own.
@Suite struct EncodingTests {
    let decoder = TensorDecoder(maxElements: 1_000)

    @Test func pathsReadAsAClientWritesThem() {
        #expect(JSONPath("layers").index(2).key("kernel_size").description == "layers[2].kernel_size")
        #expect(JSONPath("input").indices([0, 3]).description == "input[0][3]")
        #expect(JSONPath("submission").key("0.weight").description == #"submission["0.weight"]"#)
        #expect(JSONPath.root.key("loss").key("target").description == "loss.target")
    }

    @Test func nestedFlatAndBase64FormsDecodeToTheSameTensor() throws {
        let nested = JSONValue.array([.numbers([1, 2]), .numbers([3, 4])])
        let flat = JSONValue.object(JSONObject([("shape", .numbers([2, 2])), ("data", .numbers([1, 2, 3, 4]))]))
        let bytes = [1.0, 2, 3, 4].flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        let base64 = JSONValue.object(
            JSONObject([("shape", .numbers([2, 2])), ("base64", .string(Data(bytes).base64EncodedString()))]))
        let floats = [Float(1), 2, 3, 4].flatMap { value in
            withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
        }
        let float32 = JSONValue.object(
            JSONObject([
                ("shape", .numbers([2, 2])), ("base64", .string(Data(floats).base64EncodedString())),
                ("dtype", .string("float32")),
            ]))
        let want = Tensor(shape: [2, 2], data: [1, 2, 3, 4])
        for form in [nested, flat, base64, float32] {
            #expect(try decoder.decode(form, at: JSONPath("input")) == want)
        }
    }

    @Test func float32IsWidenedExactly() throws {
        let value = Float(0.1)
        let bytes = withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
        let form = JSONValue.object(
            JSONObject([
                ("shape", .numbers([1])), ("base64", .string(Data(bytes).base64EncodedString())),
                ("dtype", .string("float32")),
            ]))
        #expect(try decoder.decode(form, at: JSONPath("w")).data == [Double(value)])
        #expect(Double(value) != 0.1)
    }

    @Test func scalarsAndRank1Decode() throws {
        #expect(try decoder.decode(.number(2), at: JSONPath("t")) == Tensor(scalar: 2))
        #expect(try decoder.decode(.numbers([1, 2, 3]), at: JSONPath("t")).shape == [3])
        #expect(try decoder.decode(.array([.number(1), .number(2)]), at: JSONPath("t")).shape == [2])
    }

    @Test func tooManyElements_is413() {
        #expect(throws: APIError.self) {
            try decoder.decode(.numbers(Array(repeating: 0, count: 1_001)), at: JSONPath("input"))
        }
        do {
            _ = try decoder.decode(.numbers(Array(repeating: 0, count: 1_001)), at: JSONPath("input"))
        } catch let error as APIError {
            #expect(error.status == 413 && error.code == .tooLarge && error.path == "input")
        } catch { Issue.record("\(error)") }
    }

    @Test func responseFormsWriteShapeAndNumbers() {
        let tensor = Tensor(shape: [2, 1, 2], data: [0.1, -0.0, 1e308, .leastNonzeroMagnitude])
        var nested = JSONWriter()
        nested.tensor(tensor, format: .nested)
        #expect(String(decoding: nested.bytes, as: UTF8.self) == "[[[0.1,-0.0]],[[1e+308,5e-324]]]")
        var flat = JSONWriter()
        flat.tensor(tensor, format: .flat)
        #expect(String(decoding: flat.bytes, as: UTF8.self) == #"{"shape":[2,1,2],"data":[0.1,-0.0,1e+308,5e-324]}"#)
        var base64 = JSONWriter()
        base64.tensor(tensor, format: .base64)
        let object = (try? JSONSerialization.jsonObject(with: Data(base64.bytes))) as? [String: Any]
        let decoded = object.flatMap { TensorComparison.decode($0) }
        #expect(decoded?.shape == [2, 1, 2])
        #expect(decoded?.data.map(\.bitPattern) == tensor.data.map(\.bitPattern))
    }

    @Test func scalarResponseIsABareNumber() {
        var writer = JSONWriter()
        writer.tensor(Tensor(scalar: 2.5), format: .nested)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "2.5")
    }

    @Test func errorBodyHasCodeMessageAndPath() throws {
        let error = APIError.invalid(
            .invalidValue, "layers[0].stride must be an integer at least 1; found 0",
            at: JSONPath("layers").index(0).key("stride"))
        let response = error.response
        #expect(response.status == 422)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(
            response.text
                == #"{"error":{"code":"invalid_value","message":"layers[0].stride must be an integer at least 1; found 0","path":"layers[0].stride"}}"#
        )
        let noPath = APIError.tooLarge("too big").response
        #expect(noPath.status == 413 && !noPath.text.contains("path"))
    }

    @Test func poolOutputSizeFollowsPyTorch() throws {
        func size(_ h: Int, kernel: Int, stride: Int, padding: Int = 0, ceil: Bool) throws -> Int {
            let pool = MaxPool2d(kernel: Pair(kernel), stride: Pair(stride), padding: Pair(padding), ceilMode: ceil)
            return try pool.outputShape(inputShape: [1, 1, h, h])[2]
        }
        // floor((5 + 0 - 2) / 2) + 1 = 2; ceil: 3, and the last window starts inside the input.
        #expect(try size(5, kernel: 2, stride: 2, ceil: false) == 2)
        #expect(try size(5, kernel: 2, stride: 2, ceil: true) == 3)
        // ceil would add a 4th window starting in the right padding: dropped (H=5, k=2, s=2, p=1 -> 3).
        #expect(try size(5, kernel: 2, stride: 2, padding: 1, ceil: true) == 3)
        // No window fits: the work estimate stops there, before the layer's output.
        #expect(
            NetworkCost(layers: [MaxPool2d(kernel: Pair(3), stride: Pair(1))], inputShape: [1, 1, 1, 1]).shapes.isEmpty)
    }
}

/// Shapes whose element count overflows Int are too large, never wrapped (a crash found by schemathesis).
@Suite struct ShapeOverflowTests {
    let decoder = TensorDecoder(maxElements: 1_000)

    @Test(arguments: [[4_294_967_296, 4_294_967_296], [Int.max, 2], [3_037_000_500, 3_037_000_500, 3]])
    func hugeShapes_are413(_ shape: [Int]) {
        let shapeValue = JSONValue.numbers(shape.map(Double.init))
        for form in [
            JSONObject([("shape", shapeValue), ("base64", .string("AAAAAAAA8D8="))]),
            JSONObject([("shape", shapeValue), ("data", .numbers([1]))]),
        ] {
            do {
                _ = try decoder.decode(.object(form), at: JSONPath("input"))
                Issue.record("\(shape) was accepted")
            } catch let error as APIError {
                #expect(error.status == 413 || error.status == 422, "\(error)")
            } catch { Issue.record("\(error)") }
        }
        #expect(TensorDecoder.elementCount(shape) == Int.max)
    }

    @Test func deepFirstPathsDoNotWrapTheCount() {
        // Each level's first element is wide; the product of the widths overflows Int.
        var value = JSONValue.numbers(Array(repeating: 1, count: 300))
        for _ in 0..<7 { value = .array([value] + Array(repeating: .number(0), count: 299)) }
        #expect(throws: APIError.self) { try decoder.decode(value, at: JSONPath("input")) }
    }
}
