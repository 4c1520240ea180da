import HTTP1
import Testing

@testable import GradAPI

/// The key file's parser (README.md "API keys"): every fault names its line and
/// never quotes a key.
@Suite struct APIKeyFileTests {
    static let autograder =
        #"{"name": "autograder", "key": "auto-0123456789abcdef", "scopes": ["compute", "grade", "explain", "gradcheck"]}"#
    static let section =
        #"{"name": "section-a", "key": "sect-0123456789abcdef", "scopes": ["grade:hidden"], "rate": 5, "burst": 20}"#

    private func file(_ entries: String...) -> String {
        "{\"keys\": [\n  " + entries.joined(separator: ",\n  ") + "\n]}\n"
    }

    private func fault(_ text: String) -> KeyFileError? {
        do {
            _ = try APIKeyFile.parse(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func contractExample_parses() throws {
        let contents = try APIKeyFile.parse(Array(file(Self.autograder, Self.section).utf8))
        #expect(contents.keys.map(\.name) == ["autograder", "section-a"])
        #expect(contents.keys[0].scopes == [.compute, .grade, .explain, .gradcheck])
        #expect(contents.keys[0].rateLimit == nil)
        #expect(contents.keys[1].scopes == [.gradeHidden])
        #expect(contents.keys[1].rateLimit == RateLimit(rate: 5, burst: 20))
        #expect(contents.keys[1].secret == Array("sect-0123456789abcdef".utf8))
        #expect(contents.warnings.isEmpty)
    }

    @Test func rateWithoutBurst_burstsOneSecondsWorth() throws {
        let entry = #"{"name": "s", "key": "sect-0123456789abcdef", "scopes": ["grade:hidden"], "rate": 2.5}"#
        #expect(try APIKeyFile.parse(Array(file(entry).utf8)).keys[0].rateLimit == RateLimit(rate: 2.5, burst: 3))
    }

    @Test func notJSON_namesTheLineWhereReadingStopped() {
        let text = "{\"keys\": [\n  \(Self.autograder),\n  {\"name\": \"b\",, }\n]}"
        let error = fault(text)
        #expect(error?.line == 3)
        #expect(error?.message.hasPrefix("not JSON") == true)
        #expect(fault("")?.line == 1)
    }

    @Test(arguments: [
        (
            #"{"name": "b", "key": "sect-0123456789abcdef", "scopes": ["grade"], "colour": 1}"#,
            "unknown member 'colour'"
        ),
        (#"{"key": "sect-0123456789abcdef", "scopes": ["grade"]}"#, "name must be a string"),
        (#"{"name": "b c", "key": "sect-0123456789abcdef", "scopes": ["grade"]}"#, "letters, digits"),
        (#"{"name": "b", "key": "short-key", "scopes": ["grade"]}"#, "shorter than 16"),
        (#"{"name": "b", "key": "\#(String(repeating: "k", count: 257))", "scopes": ["grade"]}"#, "longer than 256"),
        (#"{"name": "b", "key": "has space 0123456789", "scopes": ["grade"]}"#, "only letters, digits"),
        (#"{"name": "b", "key": "sect-0123456789abcdef-2", "scopes": []}"#, "non-empty array"),
        (#"{"name": "b", "key": "sect-0123456789abcdef-2", "scopes": ["grades"]}"#, "unknown scope 'grades'"),
        (#"{"name": "b", "key": "sect-0123456789abcdef-2", "scopes": [7]}"#, "unknown scope"),
        (#"{"name": "b", "key": "sect-0123456789abcdef-2", "scopes": ["grade", "grade"]}"#, "scope grade twice"),
        (#"{"name": "b", "key": "sect-0123456789abcdef-2", "scopes": ["grade"], "rate": 0}"#, "rate must be above 0"),
        (
            #"{"name": "b", "key": "sect-0123456789abcdef-2", "scopes": ["grade"], "rate": "5"}"#,
            "rate must be a number"
        ),
        (
            #"{"name": "b", "key": "sect-0123456789abcdef-2", "scopes": ["grade"], "rate": 1, "burst": 0.5}"#,
            "burst must be 1 to"
        ),
        (#"{"name": "b", "key": "sect-0123456789abcdef-2", "scopes": ["grade"], "burst": 3}"#, "a burst but no rate"),
        (#""b""#, "must be an object"),
    ])
    func malformedEntry_namesItsLineAndWhatIsWrong(entry: String, expected: String) {
        let error = fault(file(Self.autograder, entry))
        #expect(error?.line == 3, "\(String(describing: error))")
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
    }

    @Test func duplicates_nameTheSecondLine() {
        let sameName = #"{"name": "autograder", "key": "other-0123456789abcdef", "scopes": ["grade"]}"#
        #expect(
            fault(file(Self.autograder, Self.section, sameName)).map { ($0.line, $0.message.contains("given twice")) }
                ?? (0, false) == (4, true))
        let sameKey = #"{"name": "b", "key": "auto-0123456789abcdef", "scopes": ["grade"]}"#
        let error = fault(file(Self.autograder, Self.section, sameKey))
        #expect(error?.line == 4)
        #expect(error?.message.contains("is the key of 'autograder'") == true)
        #expect(error?.message.contains("auto-0123456789abcdef") == false)
    }

    @Test func memberOnItsOwnLine_isTheLineNamed() {
        let text = """
            {"keys": [
              {
                "name": "b",
                "key": "sect-0123456789abcdef",
                "scopes": ["grade", "nope"]
              }
            ]}
            """
        #expect(fault(text)?.line == 5)
    }

    @Test func rootShape_isChecked() {
        #expect(fault("[]")?.message.contains("must be an object") == true)
        #expect(fault("{}")?.message.contains("keys is missing") == true)
        #expect(fault(#"{"keys": []}"#)?.message.contains("keys is empty") == true)
        #expect(fault(#"{"keys": {}}"#)?.message.contains("must be an array") == true)
        let extra = fault("{\n\"keys\": [\(Self.autograder)],\n\"admin\": true}")
        #expect(extra?.line == 3)
        #expect(extra?.message.contains("unknown member 'admin'") == true)
    }

    @Test func noFault_quotesAKey() {
        let secret = "leak-0123456789abcdef"
        let entries = [
            #"{"name": "b", "key": "\#(secret)", "scopes": ["x"]}"#,
            #"{"name": "b", "key": "\#(secret)", "scopes": ["grade"], "rate": -1}"#,
            #"{"name": "b c", "key": "\#(secret)", "scopes": ["grade"]}"#,
            #"{"name": "b", "key": "\#(secret)", "scopes": ["grade"], "extra": 1}"#,
            #"{"name": "b", "key": "\#(secret) x", "scopes": ["grade"]}"#,
        ]
        for entry in entries {
            let error = fault(file(entry))
            #expect(error != nil)
            #expect(error?.description.contains("leak-") == false, "\(String(describing: error))")
        }
    }

    @Test func gradeHiddenWithARevealingScope_isAWarning() throws {
        let entry = #"{"name": "section-b", "key": "sect-0123456789abcdef", "scopes": ["grade:hidden", "explain"]}"#
        let warnings = try APIKeyFile.parse(Array(file(entry).utf8)).warnings
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("'section-b' has grade:hidden with explain") == true)
    }
}
