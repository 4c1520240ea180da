import Foundation
import HTTP1
import Testing

/// Every conformance vector through the handler seam as JSON bytes, compared by the README's rule.
@Suite struct ConformanceTests {
    static let client = APIClient()

    @Test func allVectorsAreLoaded() {
        #expect(ConformanceVector.all.count == 239)  // the contract's 192 and make_vectors.py's 47
    }

    @Test(arguments: ConformanceVector.all)
    func vectorMatchesPyTorch(_ vector: ConformanceVector) throws {
        let response = try Self.client.send("POST", vector.endpoint, body: vector.body)
        try #require(response.status == 200, "\(vector.name): status \(response.status): \(response.text)")
        #expect(response.headers["Content-Type"] == "application/json")
        let body = try FoundationJSON.object(response.body)
        let expected = vector.expected
        try compareTopLevel(vector, body, expected)
        if vector.checkShortest { expectShortestNumbers(response.body, case: vector.name) }
        if vector.repeats {
            let again = try Self.client.send("POST", vector.endpoint, body: vector.body)
            #expect(again.body == response.body, "\(vector.name): a repeated request gave different bytes")
        }
    }

    private func compareTopLevel(_ vector: ConformanceVector, _ body: [String: Any], _ expected: [String: Any]) throws {
        let wantKeys = Set(expected.keys)
        #expect(
            Set(body.keys) == wantKeys,
            "\(vector.name): response keys \(body.keys.sorted()); expected \(wantKeys.sorted())")
        let format = vector.responseFormat ?? "nested"
        if let want = expected["output"], let got = body["output"] {
            try compare(got, want, format: format, case: vector.name, tensor: "output")
        }
        if let want = (expected["loss"] as? NSNumber)?.doubleValue {
            let got = try #require((body["loss"] as? NSNumber)?.doubleValue, "\(vector.name): no loss")
            TensorComparison.expectClose(
                PlainTensor(shape: [], data: [got]), PlainTensor(shape: [], data: [want]), case: vector.name,
                tensor: "loss")
        }
        for group in ["gradients", "buffers", "activations", "activation_gradients"] {
            guard let want = expected[group] as? [String: Any] else { continue }
            let got = try #require(body[group] as? [String: Any], "\(vector.name): no \(group)")
            #expect(
                Set(got.keys) == Set(want.keys),
                "\(vector.name): \(group) keys \(got.keys.sorted()); expected \(want.keys.sorted())")
            for (name, tensor) in want {
                guard let observed = got[name] else { continue }
                try compare(observed, tensor, format: format, case: vector.name, tensor: "\(group)[\"\(name)\"]")
            }
        }
    }

    private func compare(_ got: Any, _ want: Any, format: String, case name: String, tensor: String) throws {
        #expect(
            TensorComparison.form(got) == format,
            "\(name): \(tensor) is written \(TensorComparison.form(got)); expected \(format)")
        let observed = try #require(TensorComparison.decode(got), "\(name): \(tensor) is not a tensor")
        let expected = try #require(TensorComparison.decode(want), "\(name): expected \(tensor) unreadable")
        TensorComparison.expectClose(observed, expected, case: name, tensor: tensor)
    }

    /// Every number token has no more significant digits than the shortest round-trip form of its value.
    private func expectShortestNumbers(_ body: [UInt8], case name: String) {
        for token in NumberTokens.scan(body) {
            guard let value = Double(token) else {
                Issue.record("\(name): \(token) is not a number")
                continue
            }
            let shortest = NumberTokens.significantDigits(value.description)
            #expect(
                NumberTokens.significantDigits(token) <= shortest,
                "\(name): \(token) is not shortest (\(value.description))")
        }
    }
}

/// Number tokens of a JSON text, outside strings.
enum NumberTokens {
    static func scan(_ bytes: [UInt8]) -> [String] {
        var tokens: [String] = []
        var i = 0
        var inString = false
        while i < bytes.count {
            let byte = bytes[i]
            if inString {
                if byte == UInt8(ascii: "\\") { i += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            if byte == UInt8(ascii: "\"") {
                inString = true
                i += 1
                continue
            }
            if byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                let start = i
                while i < bytes.count, "-+.eE0123456789".utf8.contains(bytes[i]) { i += 1 }
                tokens.append(String(decoding: bytes[start..<i], as: UTF8.self))
                continue
            }
            i += 1
        }
        return tokens
    }

    /// The digits of the mantissa without sign, point, and leading or trailing zeros ("0.100" -> 1).
    static func significantDigits(_ token: String) -> Int {
        let mantissa = token.prefix { $0 != "e" && $0 != "E" }
        let digits = mantissa.filter(\.isNumber).drop { $0 == "0" }
        return max(1, digits.reversed().drop { $0 == "0" }.count)
    }
}
