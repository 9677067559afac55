import OAuthCore
import Testing

/// `error_description` character set (RFC 6749 §5.2: %x20-21 / %x23-5B / %x5D-7E).
@Suite("error_description character set (RFC 6749 §5.2)")
struct ErrorDescriptionTests {
    @Test("Exactly %x20-21, %x23-5B and %x5D-7E are allowed")
    func allowedSet() {
        for value in UInt32(0)...0x2FF {
            let scalar = Unicode.Scalar(value)!
            let expected = value == 0x20 || value == 0x21 || (0x23...0x5B).contains(value) || (0x5D...0x7E).contains(value)
            #expect(ErrorDescription.isAllowed(scalar) == expected, "U+\(String(value, radix: 16))")
        }
    }

    @Test("Disallowed characters are replaced by ?, allowed ones kept",
          arguments: [("say \"hi\"", "say ?hi?"), ("a\\b", "a?b"), ("line\nbreak\ttab\r", "line?break?tab?"), ("café €", "caf? ?"),
                      ("nul\u{0}del\u{7f}", "nul?del?"), ("emoji 🙂", "emoji ?"), ("plain text [ok] {fine} ~!", "plain text [ok] {fine} ~!")])
    func sanitizing(_ input: String, _ expected: String) {
        let description = ErrorDescription(sanitizing: input)
        #expect(description.value == expected)
        #expect(description.value.unicodeScalars.allSatisfy(ErrorDescription.isAllowed))
    }

    @Test("An empty description becomes a non-empty one (the ABNF requires at least one character)")
    func empty() {
        #expect(!ErrorDescription(sanitizing: "").value.isEmpty)
    }

    @Test("OAuthError sends the sanitised description as error_description")
    func oauthErrorMembers() {
        let error = OAuthError(.invalidRequest, "bad \"value\" \u{202e}")
        #expect(error.jsonMembers["error"] == "invalid_request")
        #expect(error.jsonMembers["error_description"] == "bad ?value? ?")
        #expect(OAuthError(.invalidGrant).jsonMembers["error_description"] == nil)
    }
}
