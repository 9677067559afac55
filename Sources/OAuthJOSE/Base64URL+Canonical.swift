import Foundation
import OAuthCore

extension Base64URL {
    /// Decodes base64url only in its canonical form (RFC 7515 §2, RFC 4648 §3.5): strict alphabet, no padding,
    /// and unused trailing bits set to zero, so every byte string has exactly one accepted encoding.
    ///
    /// Canonical input keeps RFC 7638 thumbprints and signing inputs unambiguous: two different strings can never
    /// stand for the same key or signature.
    static func decodeCanonical(_ text: some StringProtocol) -> Data? {
        let utf8 = Array(text.utf8)
        guard let data = decode(text), let last = utf8.last else { return utf8.isEmpty ? Data() : nil }
        // The last character carries 2 (length ≡ 2 mod 4) or 4 (≡ 3 mod 4) unused low bits; they must be zero.
        let unusedBits: UInt8 = switch utf8.count % 4 {
        case 2: 0b1111
        case 3: 0b11
        default: 0
        }
        return Base64URL.sextet(last) & unusedBits == 0 ? data : nil
    }
}
