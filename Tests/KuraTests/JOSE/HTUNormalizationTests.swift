import OAuthJOSE
import Testing

@Suite("htu normalisation (RFC 9449 §4.3 check 9; RFC 3986 §6.2.2–6.2.3)")
struct HTUNormalizationTests {
    @Test(
        "Equivalent URIs share one normal form",
        arguments: [
            ("HTTPS://Example.COM/a", "https://example.com/a"),
            ("https://example.com:443/a", "https://example.com/a"),
            ("http://example.com:80/a", "http://example.com/a"),
            ("https://example.com:/a", "https://example.com/a"),
            ("https://example.com", "https://example.com/"),
            ("https://example.com?q=1", "https://example.com/"),
            ("https://example.com/a?q=1#f", "https://example.com/a"),
            ("https://example.com/a/./b/../c", "https://example.com/a/c"),
            ("https://example.com/%7euser/%2f", "https://example.com/~user/%2F"),
            ("https://[::1]:8443/x", "https://[::1]:8443/x"),
            ("https://example.com:8443/a", "https://example.com:8443/a"),
        ])
    func normalForms(input: String, expected: String) {
        #expect(HTUNormalization.normalize(input) == expected)
    }

    @Test(
        "Non-HTTP URIs, userinfo, bad ports and raw spaces have no normal form",
        arguments: [
            "ftp://example.com/", "example.com/a", "https:/example.com", "https://user:pw@example.com/",
            "https://example.com:99999/", "https://example.com:8x/", "https://exa mple.com/", "https://example.com/a b",
            "https:///path", "https://example.com/%zz",
        ])
    func rejected(input: String) {
        #expect(HTUNormalization.normalize(input) == nil)
    }

    @Test(
        "htu matches the request URI exactly when both normalise to the same URI without query and fragment",
        arguments: [
            ("https://bank.example/api/accounts", "https://bank.example/api/accounts", true),
            ("https://bank.example/api/accounts", "https://bank.example/api/accounts?limit=20", true),
            ("https://bank.example/api/accounts#x", "https://bank.example/api/accounts?limit=20", true),
            ("HTTPS://Bank.Example:443/api/./accounts", "https://bank.example/api/accounts", true),
            ("https://bank.example/api/accounts/", "https://bank.example/api/accounts", false),
            ("https://bank.example/api/account", "https://bank.example/api/accounts", false),
            ("https://bank.example:8443/api/accounts", "https://bank.example/api/accounts", false),
            ("https://exa mple/api", "https://exa mple/api", false),
            ("ftp://bank.example/api", "ftp://bank.example/api", false),
        ])
    func matches(htu: String, requestURI: String, expected: Bool) {
        #expect(HTUNormalization.matches(htu, requestURI: requestURI) == expected)
    }
}
