import Testing

@testable import JSONCodec

private func nested(_ depth: Int, open: String = "[", close: String = "]", leaf: String = "1") -> String {
    String(repeating: open, count: depth) + leaf + String(repeating: close, count: depth)
}

@Test func depth64_accepted_depth65_rejected() {
    #expect(parseError(nested(64)) == nil)
    #expect(parseError(nested(64, leaf: "")) == nil)
    #expect(parseError(nested(65))?.message == "nesting deeper than 64 levels")
    #expect(parseError(nested(65))?.offset == 64)
    let objects64 = String(repeating: "{\"a\":", count: 64) + "1" + String(repeating: "}", count: 64)
    #expect(parseError(objects64) == nil)
    #expect(parseError("[" + objects64 + "]")?.offset == 1 + 5 * 63)
}

@Test func hundredThousandDeep_rejectedWithoutCrash() {
    #expect(parseError(String(repeating: "[", count: 100_000))?.offset == 64)
    #expect(parseError(String(repeating: "{\"a\":", count: 100_000))?.offset == 5 * 64)
}

@Test func customDepthLimit_applies() {
    var limits = JSONLimits()
    limits.maxDepth = 2
    #expect((try? parse("[[1]]", limits: limits)) != nil)
    #expect((try? parse("[[[1]]]", limits: limits)) == nil)
}

@Test func numberTokenLength_limitedTo64() {
    let digits64 = "1." + String(repeating: "3", count: 62)
    #expect(parsedNumber(digits64) != nil)
    let error = parseError("[" + digits64 + "3]")
    #expect(error?.message == "number longer than 64 characters")
    #expect(error?.offset == 1)
}
