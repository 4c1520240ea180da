/// Holds a /forward or /backward response to a vector's `expected`, by the conformance README's
/// rules: tensor form, shapes, values within tolerance, and exactly the expected names.
enum ResponseCheck {
    /// Every difference found, one readable line each; empty when the response conforms.
    static func failures(of body: [UInt8], against vector: ConformanceVector) throws -> [String] {
        let response = try JSONTree.object(body)
        let form = vector.responseFormat.flatMap(Tensor.Form.init(rawValue:)) ?? .nested
        var failures: [String] = []
        failures += compareTensor(response["output"], vector.expected.output, form: form, name: "output")
        failures += compareLoss(response["loss"], vector.expected.loss)
        for key in ExpectedAnswer.groupKeys {
            failures += compareGroup(response[key], vector.expected.groups[key], form: form, name: key)
        }
        return failures
    }

    private static func compareTensor(_ value: Any?, _ want: Tensor, form: Tensor.Form, name: String) -> [String] {
        do {
            let got = try Tensor(response: value, form: form, name)
            return Tolerance.mismatch(got: got, want: want, name: name).map { [$0] } ?? []
        } catch {
            return ["\(error)"]
        }
    }

    private static func compareLoss(_ value: Any?, _ want: Double?) -> [String] {
        switch (value, want) {
        case (nil, nil): return []
        case (nil, .some): return ["loss is missing"]
        case (.some, nil): return ["loss is present but the request has no loss"]
        case (let value?, let want?):
            guard let got = try? JSONTree.number(value, "loss") else { return ["loss is not a number: \(value)"] }
            return Tolerance.mismatch(got: got, want: want, name: "loss").map { [$0] } ?? []
        }
    }

    /// `gradients`, `activations` or `activation_gradients`: the same names, each tensor matching.
    private static func compareGroup(_ value: Any?, _ want: [String: Tensor]?, form: Tensor.Form, name: String)
        -> [String]
    {
        guard let want else { return value == nil ? [] : ["\(name) is present but not expected"] }
        guard let got = value as? [String: Any] else { return ["\(name) is missing or not an object"] }
        guard Set(got.keys) == Set(want.keys) else {
            return ["\(name) names \(got.keys.sorted()), expected \(want.keys.sorted())"]
        }
        return want.keys.sorted().flatMap { key in
            compareTensor(got[key], want[key]!, form: form, name: "\(name)[\"\(key)\"]")
        }
    }
}
