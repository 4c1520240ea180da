import GradAPI
import HTTP1

/// libFuzzer entry for the two parsers of access control (README.md "API keys").
/// The first byte chooses: even, the rest is a key file (`APIKeyFile.parse`); odd, the rest is an
/// `Authorization` field value checked against two fixed keys (`AccessControl.authorize`).
/// Neither may trap; a key file either fails on a line that exists or yields keys that each
/// admit themselves and only themselves; an answer to a header never echoes the token sent.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAccessControl(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] % 2 == 0 { checkKeyFile(input) } else { checkAuthorization(input) }
    return 0
}

let everyScope = Route("POST", "/all", lane: .inline) { _, _ in .json(200, []) }
    .requiring(.compute, .grade, .gradeHidden, .explain, .gradcheck, .metrics)

private func checkKeyFile(_ bytes: [UInt8]) {
    let contents: APIKeyFile.Contents
    do {
        contents = try APIKeyFile.parse(bytes)
    } catch {
        let lines = 1 + bytes.filter { $0 == UInt8(ascii: "\n") }.count
        guard (1...lines).contains(error.line) else {
            fatalError("line \(error.line) of a \(lines)-line file: \(error)")
        }
        return
    }
    precondition(
        !contents.keys.isEmpty && Set(contents.keys.map(\.name)).count == contents.keys.count, "names not unique")
    let access = AccessControl(keys: contents.keys, clock: { 0 })
    for key in contents.keys {
        precondition(
            key.secret.count >= APIKeyFile.minimumKeyLength && BearerToken.isB64Token(key.secret), "weak key accepted")
        precondition(!key.scopes.isEmpty, "a key with no scope")
        let headers = HTTPHeaders([("Authorization", "Bearer " + String(decoding: key.secret, as: UTF8.self))])
        switch access.authorize(headers, for: everyScope) {
        case .success(let grant):
            precondition(grant.keyName == key.name, "key \(key.name) admitted as \(grant.keyName)")
        case .failure(let error): precondition(error.status == 429, "key \(key.name) refused with \(error.status)")
        }
    }
}

let fuzzKeys = AccessControl(
    keys: [
        APIKey(name: "a", secret: Array("fuzz-key-a-0123456789".utf8), scopes: [.grade]),
        APIKey(
            name: "b", secret: Array("fuzz-key-b-0123456789".utf8), scopes: [.compute],
            rateLimit: RateLimit(rate: 1, burst: 1)),
    ], clock: { 0 })

private func checkAuthorization(_ bytes: [UInt8]) {
    let value = String(decoding: bytes, as: UTF8.self)
    let parsed = BearerToken.parse(value)
    if case .success(let token) = parsed {
        precondition(BearerToken.isB64Token(token), "a token that is not a b64token")
        precondition(BearerToken.parse("Bearer " + String(decoding: token, as: UTF8.self)) == parsed, "reparse differs")
    }
    let grade = Route("POST", "/grade", lane: .inline) { _, _ in .json(200, []) }.requiring(.grade)
    switch fuzzKeys.authorize(HTTPHeaders([("Authorization", value)]), for: grade) {
    case .success(let grant):
        precondition(
            grant.keyName == "a" && parsed == .success(Array("fuzz-key-a-0123456789".utf8)), "admitted \(value)")
    case .failure(let error):
        precondition([401, 403].contains(error.status.code), "status \(error.status)")
        let answer = error.response
        if case .success(let token) = parsed, token.count >= 24 {
            let text = String(decoding: answer.body, as: UTF8.self) + answer.headers.map { $0.value }.joined()
            precondition(!text.contains(String(decoding: token, as: UTF8.self)), "the answer echoes the token")
        }
    }
}
