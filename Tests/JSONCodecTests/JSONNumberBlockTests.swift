import JSONCodec
import Testing

/// How a parsed value is stored, not only what it equals (`==` treats a block and its nested
/// arrays as the same JSON): `block[2,2]`, `array(numbers(2),number)`, ...
private func storage(_ value: JSONValue) -> String {
    switch value {
    case .numberBlock(let block): return "block\(block.shape)"
    case .numbers(let row): return "numbers(\(row.count))"
    case .array(let items): return "array(\(items.map(storage).joined(separator: ",")))"
    case .object(let object):
        return "object(\(object.members.map { "\($0.key):\(storage($0.value))" }.joined(separator: ",")))"
    default: return value.typeName
    }
}

@Test(arguments: [
    ("[[1,2],[3,4]]", "block[2, 2]"),
    ("[[[[0.5]]]]", "block[1, 1, 1, 1]"),
    ("[ [ 1 , 2 ] , [ 3 , 4 ] , [ 5 , 6 ] ]", "block[3, 2]"),
    ("[[[1,2,3]],[[4,5,6]]]", "block[2, 1, 3]"),
    (#"{"a":[[1]],"b":[[[2]],[[3]]]}"#, "object(a:block[1, 1],b:block[2, 1, 1])"),
    (#"[{"t":[[1,2]]}]"#, "array(object(t:block[1, 2]))"),
    ("[1,2]", "numbers(2)"),
])
func rectangularNumberArrays_readAsOneBlock(text: String, expected: String) throws {
    #expect(storage(try parseJSON(Array(text.utf8))) == expected)
}

/// Ragged and mixed arrays read as the nested arrays of rows they read as before blocks, so what
/// a tensor decoder reports about them (the element at fault, its path) does not change.
@Test(arguments: [
    ("[[1,2],[3]]", "array(numbers(2),numbers(1))"),
    ("[[[1,2],[3,4]],[[5,6]]]", "array(array(numbers(2),numbers(2)),array(numbers(2)))"),
    ("[[[1,2],[3]],[[5,6],[7,8]]]", "array(array(numbers(2),numbers(1)),array(numbers(2),numbers(2)))"),
    ("[[1,2],\"x\"]", "array(numbers(2),string)"),
    ("[[1,2],[]]", "array(numbers(2),array())"),
    ("[\"x\",[[1,2],[3,4]]]", "array(string,array(numbers(2),numbers(2)))"),
    ("[[1,2],[3,[4]]]", "array(numbers(2),array(number,numbers(1)))"),
    ("[[[1]],[2]]", "array(array(numbers(1)),numbers(1))"),
    ("[[1],{\"a\":[[2]]}]", "array(numbers(1),object(a:block[1, 1]))"),
])
func raggedOrMixedArrays_readAsNestedArrays(text: String, expected: String) throws {
    #expect(storage(try parseJSON(Array(text.utf8))) == expected)
}

@Test func numberBlock_holdsNumbersRowMajor() throws {
    let value = try parseJSON(Array("[[[1,2],[3,4.5]],[[5,-6],[7e1,8]]]".utf8))
    guard case .numberBlock(let block) = value else {
        Issue.record("expected a block, got \(storage(value))")
        return
    }
    #expect(block.shape == [2, 2, 2])
    #expect(block.data == [1, 2, 3, 4.5, 5, -6, 70, 8])
}

@Test func numberBlock_equalsTheNestedArraysItStandsFor() throws {
    let value = try parseJSON(Array("[[[1,2]],[[3,4]]]".utf8))
    let nested = JSONValue.array([.array([.numbers([1, 2])]), .array([.numbers([3, 4])])])
    #expect(value == nested)
    #expect(nested == value)
    #expect(value != .array([.array([.numbers([1, 2])]), .array([.numbers([3, 5])])]))
    #expect(value.arrayElements?.count == 2)
    #expect(value.arrayElements?.first == .array([.numbers([1, 2])]))
}

@Test func numberBlock_writesBackAsNestedArrays() throws {
    let text = "[[[1.0,2.0]],[[3.0,0.1]]]"
    var writer = JSONWriter()
    writer.value(try parseJSON(Array(text.utf8)))
    #expect(String(decoding: writer.bytes, as: UTF8.self) == text)
}

/// Errors inside a block are the reader's, found at the same byte as in any other array.
@Test(arguments: [
    ("[[1,2],[3,x]]", 10),
    ("[[1,2],[3,4]", 12),
    ("[[1,2][3,4]]", 6),
    ("[[1,2],[3,4],]", 13),
])
func errorsInsideBlocks_reportTheirOffset(text: String, offset: Int) {
    #expect(parseError(text)?.offset == offset)
}
