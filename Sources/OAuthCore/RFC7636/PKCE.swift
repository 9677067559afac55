import Crypto
import Foundation

/// Proof Key for Code Exchange, S256 only (RFC 7636; FAPI 2.0 SP §5.3.2.2-5: "shall require PKCE with S256").
public enum PKCE {
    /// The only method Kura accepts. `plain` is refused (RFC 7636 §4.2 permits it; FAPI does not).
    public static let s256 = "S256"

    /// RFC 7636 §4.1: `code-verifier = 43*128unreserved`, unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~".
    public static func isValidVerifier(_ verifier: String) -> Bool {
        (43...128).contains(verifier.utf8.count) && verifier.utf8.allSatisfy(isUnreserved)
    }

    /// A S256 `code_challenge` is base64url(SHA-256) = 43 characters of the base64url alphabet.
    public static func isValidChallenge(_ challenge: String) -> Bool {
        challenge.utf8.count == 43 && Base64URL.decode(challenge)?.count == 32
    }

    /// RFC 7636 §4.2: `BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))`.
    public static func challenge(for verifier: String) -> String {
        Base64URL.encode(SHA256.hash(data: Data(verifier.utf8)))
    }

    /// RFC 7636 §4.6: the server verifies by recomputing the challenge; compared in constant time.
    public static func verify(verifier: String, challenge: String) -> Bool {
        isValidVerifier(verifier) && ConstantTime.equals(Self.challenge(for: verifier), challenge)
    }

    /// A fresh verifier with 256 bits of entropy (RFC 7636 §7.1 recommends 32 octets).
    public static func makeVerifier(using random: any RandomSource) -> String { random.token() }

    static func isUnreserved(_ c: UInt8) -> Bool {
        Base64URL.isAlphabet(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "~")
    }
}
