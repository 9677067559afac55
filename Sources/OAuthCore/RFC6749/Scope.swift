/// OAuth 2.0 scope values (RFC 6749 §3.3): space-delimited, case-sensitive, order irrelevant.
public enum Scope {
    /// Splits a `scope` parameter. Returns nil if a token has characters outside
    /// `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`.
    public static func parse(_ text: String) -> [String]? {
        var seen = Set<String>()
        var out: [String] = []
        for token in text.split(separator: " ", omittingEmptySubsequences: true) {
            guard token.unicodeScalars.allSatisfy(isScopeChar) else { return nil }
            let s = String(token)
            if seen.insert(s).inserted { out.append(s) }
        }
        return out
    }

    public static func format(_ scopes: [String]) -> String { scopes.joined(separator: " ") }

    static func isScopeChar(_ c: Unicode.Scalar) -> Bool {
        c.value == 0x21 || (0x23...0x5B).contains(c.value) || (0x5D...0x7E).contains(c.value)
    }
}
