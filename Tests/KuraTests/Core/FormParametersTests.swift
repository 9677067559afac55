import OAuthCore
import Testing

/// `application/x-www-form-urlencoded` parameters as OAuth requires them (RFC 6749 §3.1, §3.2; WHATWG URL §5.1).
@Suite("Form parameters")
struct FormParametersTests {
    @Test("A repeated parameter is rejected with invalid_request (RFC 6749 §3.1)",
          arguments: ["a=1&a=2", "a=1&a=1", "a=&a=1", "scope=openid&state=x&scope=openid", "a%62=1&ab=2", "a+b=1&a%20b=2"])
    func duplicates(_ body: String) {
        #expect(throws: OAuthError(.invalidRequest)) { try FormParameters(parsing: body) }
    }

    @Test("+ decodes to a space and %XX to its octet, including UTF-8 sequences")
    func decoding() throws {
        let form = try FormParameters(parsing: "a=two+words&b=%2F%3D%26%2B&c=caf%C3%A9&d=%e2%82%ac&e=100%25&f%5Bx%5D=1")
        #expect(form["a"] == "two words")
        #expect(form["b"] == "/=&+")
        #expect(form["c"] == "café")
        #expect(form["d"] == "€")
        #expect(form["e"] == "100%")
        #expect(form["f[x]"] == "1")
    }

    @Test("Malformed percent-encoding or invalid UTF-8 is rejected with invalid_request", arguments: ["a=%", "a=%2", "a=%zz", "a=%FF", "a=%C3"])
    func malformed(_ body: String) {
        #expect(throws: OAuthError(.invalidRequest)) { try FormParameters(parsing: body) }
    }

    @Test("Empty values are treated as absent; required() names the missing parameter (RFC 6749 §3.1)")
    func emptyValues() throws {
        let form = try FormParameters(parsing: "state=&nonce&scope=openid&&=orphan")
        #expect(form.value("state") == nil)
        #expect(form.value("nonce") == nil)
        #expect(form.value("scope") == "openid")
        #expect(!form.names.contains(""))
        do {
            _ = try form.required("state")
            Issue.record("an empty state was accepted as present")
        } catch {
            #expect(error.code == .invalidRequest)
            #expect(error.errorDescription?.value.contains("state") == true)
        }
        #expect(try form.required("scope") == "openid")
    }

    @Test("An = inside a value is kept")
    func equalsInValue() throws {
        #expect(try FormParameters(parsing: "request=a=b=c")["request"] == "a=b=c")
    }

    @Test("encode keeps *-._ and alphanumerics, writes space as + and everything else as %XX; parsing round-trips")
    func encoding() throws {
        #expect(FormParameters.encode("a b") == "a+b")
        #expect(FormParameters.encode("A-z_0.9*") == "A-z_0.9*")
        #expect(FormParameters.encode("~/+é") == "%7E%2F%2B%C3%A9")
        let original = FormParameters(["redirect_uri": "https://client.example/cb?x=1&y=2", "state": "a b+c%", "nonce": "ü€"])
        #expect(try FormParameters(parsing: original.encoded) == original)
    }
}
