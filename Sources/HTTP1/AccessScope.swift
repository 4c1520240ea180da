/// A permission an API key holds (README.md "API keys"). A route declares the
/// scopes that admit it (`Route.requiring`); a typo in a scope is a compile error.
public enum AccessScope: String, Sendable, CaseIterable, Comparable {
    /// POST /forward and /backward.
    case compute
    /// POST /grade with any feedback and either format.
    case grade
    /// POST /grade with `"feedback": "hidden"` only: never an expected value.
    case gradeHidden = "grade:hidden"
    /// POST /explain.
    case explain
    /// POST /gradcheck.
    case gradcheck
    /// GET /metrics.
    case metrics

    /// Scopes whose answers carry expected gradient values (POST /backward, /explain's `value`
    /// and terms, /gradcheck's `analytic`): a key holding one of them can read the answers that
    /// `grade:hidden` keeps back.
    public static let revealingExpectedValues: Set<AccessScope> = [.compute, .grade, .explain, .gradcheck]

    public static func < (lhs: AccessScope, rhs: AccessScope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What an authorized request carries to its handler: the key's name (never the key) and scopes.
public struct AccessGrant: Sendable, Equatable {
    /// The key's `name` from the key file: what logs and metrics may show.
    public var keyName: String
    public var scopes: Set<AccessScope>

    public init(keyName: String, scopes: Set<AccessScope>) {
        self.keyName = keyName
        self.scopes = scopes
    }

    /// True when the key may have `scope`.
    public func holds(_ scope: AccessScope) -> Bool { scopes.contains(scope) }
}
