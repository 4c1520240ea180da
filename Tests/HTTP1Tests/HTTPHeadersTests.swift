import Testing
@testable import HTTP1

@Test func headerLookupIsCaseInsensitive() {
    var h = HTTPHeaders([("Content-Type", "application/json")])
    h.add("X-A", "1"); h.add("x-a", "2")
    #expect(h["content-type"] == "application/json")
    #expect(h.values("X-A") == ["1", "2"])
}
