import Foundation
import OAuthCore
import Testing

/// RFC 6238 TOTP (HMAC-SHA-1) and RFC 4648 base32.
@Suite("TOTP (RFC 6238) and base32 (RFC 4648)")
struct TOTPTests {
    static let secret = Data("12345678901234567890".utf8)

    /// RFC 6238 Appendix B, SHA-1 column (8 digits).
    static let vectors: [(Int64, String)] = [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ]

    @Test("RFC 6238 Appendix B SHA-1 vectors with 8 digits", arguments: vectors)
    func appendixB(_ time: Int64, _ expected: String) {
        let totp = TOTP(secret: Self.secret, digits: 8)
        #expect(totp.code(at: Date(timeIntervalSince1970: TimeInterval(time))) == expected)
    }

    @Test("Six-digit codes are the last six digits of the 8-digit vectors, leading zeros kept", arguments: vectors)
    func sixDigits(_ time: Int64, _ expected: String) {
        let code = TOTP(secret: Self.secret).code(at: Date(timeIntervalSince1970: TimeInterval(time)))
        #expect(code == String(expected.suffix(6)))
        #expect(code.count == 6)
    }

    @Test("The time step is floor(t / 30)")
    func timeStep() {
        let totp = TOTP(secret: Self.secret)
        #expect(totp.step(at: Date(timeIntervalSince1970: 59)) == 1)
        #expect(totp.step(at: Date(timeIntervalSince1970: 60)) == 2)
        #expect(totp.step(at: Date(timeIntervalSince1970: 1_111_111_109)) == 0x23523EC)
    }

    @Test("matchingStep accepts the current step and one either side, and returns that step (RFC 6238 §5.2)")
    func window() {
        let totp = TOTP(secret: Self.secret)
        let now = Date(timeIntervalSince1970: 1_800_000_015)
        let step = totp.step(at: now)
        for offset in Int64(-1)...1 {
            #expect(totp.matchingStep(for: totp.code(step: step + offset), at: now) == step + offset)
        }
        for offset: Int64 in [-3, -2, 2, 3] {
            #expect(totp.matchingStep(for: totp.code(step: step + offset), at: now) == nil)
        }
        #expect(totp.matchingStep(for: totp.code(step: step + 2), at: now, window: 2) == step + 2)
        #expect(totp.matchingStep(for: "", at: now) == nil)
        #expect(totp.matchingStep(for: "12345", at: now) == nil)
    }

    @Test("RFC 4648 §10 base32 vectors (no padding)",
          arguments: [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")])
    func base32Vectors(_ text: String, _ encoded: String) {
        #expect(Base32.encode(Data(text.utf8)) == encoded)
        #expect(Base32.decode(encoded) == Data(text.utf8))
    }

    @Test("base32 round trip, padding and lower case accepted on decode, other characters refused")
    func base32RoundTrip() {
        #expect(Base32.encode(Self.secret) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        for length in 0..<40 {
            let bytes = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
        }
        #expect(Base32.decode("mzxw6ytboi") == Data("foobar".utf8))
        #expect(Base32.decode("MZXW6YQ=") == Data("foob".utf8))
        #expect(Base32.decode("MZXW1") == nil)
        #expect(Base32.decode("MZ W6") == nil)
    }

    @Test("The provisioning URI carries the base32 secret, SHA1, digits and period")
    func provisioningURI() throws {
        let uri = TOTP(secret: Self.secret).provisioningURI(account: "alice", issuer: "Kura Bank")
        let components = try #require(URLComponents(string: uri))
        #expect(components.scheme == "otpauth" && components.host == "totp")
        let items = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(items["secret"] == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(items["algorithm"] == "SHA1" && items["digits"] == "6" && items["period"] == "30")
        #expect(items["issuer"] == "Kura Bank")
    }
}
