import OAuthCore
import Testing

/// `scope` values (RFC 6749 §3.3).
@Suite("Scope (RFC 6749 §3.3)")
struct ScopeTests {
    @Test("Space-delimited tokens; repeated spaces ignored; duplicates removed, order kept")
    func parse() {
        #expect(Scope.parse("openid accounts") == ["openid", "accounts"])
        #expect(Scope.parse("  openid   accounts ") == ["openid", "accounts"])
        #expect(Scope.parse("openid openid accounts") == ["openid", "accounts"])
        #expect(Scope.parse("") == [])
        #expect(Scope.format(["openid", "accounts"]) == "openid accounts")
    }

    @Test("Tokens with characters outside %x21 / %x23-5B / %x5D-7E are refused",
          arguments: ["open\"id", "a\\b", "caf\u{e9}", "a\tb", "a\nb"])
    func invalidCharacters(_ text: String) {
        #expect(Scope.parse(text) == nil)
    }

    @Test("Scope tokens are case-sensitive")
    func caseSensitive() {
        #expect(Scope.parse("OpenID openid") == ["OpenID", "openid"])
    }
}
