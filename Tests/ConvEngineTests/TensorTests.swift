import Testing

@testable import ConvEngine

@Test func reshapedKeepsDataAndChangesShape() {
    let t = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
    let r = t.reshaped([3, 2])
    #expect(r.shape == [3, 2])
    #expect(r.data == t.data)
}
