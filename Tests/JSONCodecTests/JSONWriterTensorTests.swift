import TestSupport
import Testing

@testable import JSONCodec

private func tensorText(_ shape: [Int], _ data: [Double]) -> String {
    var writer = JSONWriter()
    writer.tensor(shape: shape, data: data)
    return String(decoding: writer.bytes, as: UTF8.self)
}

@Test func tensor_writesNestedArraysRowMajor() {
    #expect(tensorText([], [1.5]) == "1.5")
    #expect(tensorText([3], [1, 2, 3]) == "[1.0,2.0,3.0]")
    #expect(tensorText([2, 3], [1, 2, 3, 4, 5, 6]) == "[[1.0,2.0,3.0],[4.0,5.0,6.0]]")
    #expect(tensorText([2, 2, 1], [1, 2, 3, 4]) == "[[[1.0],[2.0]],[[3.0],[4.0]]]")
    #expect(tensorText([1, 2, 1, 2], [0.1, -0.0, 1e-7, 2]) == "[[[[0.1,-0.0]],[[1e-07,2.0]]]]")
}

@Test func tensor_withZeroDimension_writesEmptyArrays() {
    #expect(tensorText([0], []) == "[]")
    #expect(tensorText([2, 0], []) == "[[],[]]")
    #expect(tensorText([0, 3], []) == "[]")
    #expect(tensorText([2, 2, 0], []) == "[[[],[]],[[],[]]]")
}

@Test func tensor_insideObject_keepsCommas() {
    var writer = JSONWriter()
    writer.beginObject()
    writer.key("a")
    writer.tensor(shape: [2], data: [1, 2])
    writer.key("b")
    writer.tensor(shape: [], data: [3])
    writer.key("c")
    writer.beginArray()
    writer.tensor(shape: [1], data: [4])
    writer.tensor(shape: [0], data: [])
    writer.endArray()
    writer.endObject()
    #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a":[1.0,2.0],"b":3.0,"c":[[4.0],[]]}"#)
}

/// A large tensor crosses the writer's internal chunk boundaries; it must read back unchanged.
@Test func largeTensor_roundTripsThroughParser() throws {
    var rng = SplitMix64(state: 5)
    let shape = [3, 7, 50, 41]
    let data = (0..<shape.reduce(1, *)).map { _ in Double(bitPattern: rng.next() >> 2) }
    var writer = JSONWriter()
    writer.tensor(shape: shape, data: data)
    let value = try parseJSON(writer.bytes)
    var flat: [Double] = []
    func collect(_ v: JSONValue) {
        switch v {
        case .numbers(let row): flat.append(contentsOf: row)
        case .numberBlock(let block): flat.append(contentsOf: block.data)
        case .array(let items): items.forEach(collect)
        default: Issue.record("unexpected \(v.typeName)")
        }
    }
    collect(value)
    #expect(flat.map(\.bitPattern) == data.map(\.bitPattern))
    #expect(value.arrayElements?.count == 3)
    guard case .numberBlock(let block) = value else {
        Issue.record("a rectangular tensor should read as one block, not \(value)")
        return
    }
    #expect(block.shape == shape)
}
