import ConvEngine

extension Problem {
    /// The request path of an engine error's site: `layers[2].stride`, `loss.target`, `grad_output`;
    /// in the short form the conv's fields are top-level members and its weight is `kernels`.
    public func path(of site: ErrorSite) -> JSONPath? {
        switch site {
        case .input: return JSONPath(inputName)
        case .gradOutput: return JSONPath("grad_output")
        case .loss(let field): return field.map { JSONPath("loss").key($0) } ?? JSONPath("loss")
        case .layer(let index, let field):
            switch form {
            case .layers:
                let layer = JSONPath("layers").index(index)
                return field.map { Self.append($0, to: layer) } ?? layer
            case .short:
                return field.map { JSONPath($0 == "weight" ? "kernels" : $0) }
            }
        }
    }

    /// An engine error as the contract's 422 (413 for `too_large`), at its site's path.
    public func apiError(_ error: EngineError) -> APIError {
        APIError(engine: error, at: path(of: error.site))
    }

    /// A field the engine wrote as a relative path, `"stride"` or inside a block `"layers[1].stride"`.
    static func append(_ field: String, to path: JSONPath) -> JSONPath {
        field.split(separator: ".").reduce(path) { path, component in
            guard component.hasSuffix("]"), let open = component.firstIndex(of: "["),
                let index = Int(component[component.index(after: open)..<component.index(before: component.endIndex)])
            else { return path.key(String(component)) }
            return path.key(String(component[..<open])).index(index)
        }
    }
}
