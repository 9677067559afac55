import Foundation
import OAuthCore

extension Base64URL {
    /// Decodes base64url only in its canonical form (RFC 7515 §2, RFC 4648 §3.5): strict alphabet, no padding,
    /// and unused trailing bits set to zero, so every byte string has exactly one accepted encoding.
    ///
    /// Canonical input keeps RFC 7638 thumbprints and signing inputs unambiguous: two different strings can never
    /// stand for the same key or signature.
    static func decodeCanonical(_ text: some StringProtocol) -> Data? {
        guard let data = decode(text), encode(data).utf8.elementsEqual(text.utf8) else { return nil }
        return data
    }
}
