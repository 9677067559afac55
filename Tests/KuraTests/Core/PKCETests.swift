import OAuthCore
import Testing

/// PKCE, S256 only (RFC 7636; FAPI 2.0 SP §5.3.2.2-5).
@Suite("PKCE (RFC 7636)")
struct PKCETests {
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    @Test("RFC 7636 Appendix B: S256 challenge of the example verifier")
    func appendixB() {
        #expect(PKCE.challenge(for: Self.verifier) == Self.challenge)
        #expect(PKCE.verify(verifier: Self.verifier, challenge: Self.challenge))
    }

    @Test("A different verifier does not verify; plain (challenge = verifier) is never accepted")
    func mismatch() {
        #expect(!PKCE.verify(verifier: String(Self.verifier.reversed()), challenge: Self.challenge))
        #expect(!PKCE.verify(verifier: Self.verifier, challenge: Self.verifier))
        #expect(!PKCE.verify(verifier: Self.challenge, challenge: Self.challenge))
    }

    @Test("Verifier syntax: 43 to 128 characters of ALPHA / DIGIT / - . _ ~ (RFC 7636 §4.1)")
    func verifierSyntax() {
        #expect(PKCE.isValidVerifier(String(repeating: "a", count: 43)))
        #expect(PKCE.isValidVerifier(String(repeating: "Z", count: 128)))
        #expect(PKCE.isValidVerifier("abcdefghijklmnopqrstuvwxyz-._~0123456789ABCDEFG"))
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 42)))
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 129)))
        for bad in ["+", "/", "=", " ", "%", "é"] {
            #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 43) + bad), "\(bad)")
        }
    }

    @Test("A verifier of invalid syntax never verifies, even against its own S256 challenge")
    func invalidVerifierRejected() {
        let short = String(repeating: "a", count: 42)
        #expect(!PKCE.verify(verifier: short, challenge: PKCE.challenge(for: short)))
        let long = String(repeating: "a", count: 129)
        #expect(!PKCE.verify(verifier: long, challenge: PKCE.challenge(for: long)))
    }

    @Test("A S256 challenge is 43 base64url characters encoding 32 octets")
    func challengeSyntax() {
        #expect(PKCE.isValidChallenge(Self.challenge))
        #expect(!PKCE.isValidChallenge(String(Self.challenge.dropLast())))
        #expect(!PKCE.isValidChallenge(Self.challenge + "A"))
        #expect(!PKCE.isValidChallenge(Self.challenge + "="))
        #expect(!PKCE.isValidChallenge(String(Self.challenge.dropLast()) + "+"))
    }

    @Test("Generated verifiers are valid, 43 characters and distinct")
    func generated() {
        let first = PKCE.makeVerifier(using: SystemRandom())
        let second = PKCE.makeVerifier(using: SystemRandom())
        #expect(PKCE.isValidVerifier(first) && first.count == 43)
        #expect(first != second)
    }
}
