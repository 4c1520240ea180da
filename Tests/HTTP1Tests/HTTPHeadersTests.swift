import Testing

@testable import HTTP1

@Test func headerLookupIsCaseInsensitive() {
    var h = HTTPHeaders([("Content-Type", "application/json")])
    h.add("X-A", "1")
    h.add("x-a", "2")
    #expect(h["content-type"] == "application/json")
    #expect(h.values("X-A") == ["1", "2"])
}

@Test func fieldNamesCompareCaseInsensitivelyOnlyForLetters() {
    #expect(HTTPHeaders.sameName("Content-Length", "content-LENGTH"))
    #expect(!HTTPHeaders.sameName("Content-Length", "Content-Lengt"))
    #expect(!HTTPHeaders.sameName("a@", "a`"))  // 0x40 vs 0x60 differ only in bit 5 but are not letters
    var h = HTTPHeaders([("X-A", "1"), ("x-a", "2"), ("Y", "3")])
    h.set("X-a", "9")
    #expect(h.fields.map(\.name) == ["Y", "X-a"])
}
