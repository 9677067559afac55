import Crypto
import Foundation
import OAuthCore

/// Stateless DPoP nonces (RFC 9449 §8, §9) that every Kura node sharing the database can mint and check.
///
/// A nonce is `base64url(w || tag)`: `w` is the window number `floor(now / window)` as 8 big-endian bytes, `tag` the
/// first 16 bytes of HMAC-SHA256(K, w). K = HKDF-SHA256(IKM: the private key `d` of a server signing key, salt:
/// `"kura dpop-nonce v1"`, info: purpose, issuer and `kid`), so resource-server nonces are never valid at the AS and
/// the other way round. Nonces are checked in constant time.
///
/// Trade-offs, chosen over a per-process secret (which other nodes cannot check) and over stored nonces (a database
/// write per nonce):
/// - Any node on the same database accepts a nonce another node minted, because K derives from the signing key every
///   node loads from the key store. Nonces are minted with the active key; a nonce that does not verify with it is
///   checked against every key in the store, so nodes whose key caches briefly disagree after `kura keys rotate`
///   still accept each other's nonces. Deleting a key invalidates the nonces minted with it (the client retries once).
/// - A nonce is neither single-use nor bound to a client or key: it only proves that the proof was made after the
///   nonce was issued (freshness, RFC 9449 §8). Replayed proofs are stopped by the `jti` cache (§11.1).
/// - The lifetime is coarse: a nonce minted in window `w` is accepted in `w` and `w + 1` (one to two windows), and
///   `w - 1` too, for a node whose clock runs slightly behind the one that minted it.
/// - Whoever holds the signing key can mint nonces; that adds nothing to what the signing key already allows.
public struct DPoPNonces: Sendable {
    /// Who the nonce is for: the authorization server (§8) or a resource server (§9).
    public enum Purpose: String, Sendable {
        case authorizationServer = "as"
        case resourceServer = "rs"
    }

    static let tagLength = 16
    static let salt = Data("kura dpop-nonce v1".utf8)

    let issuer: String
    let window: TimeInterval
    let purpose: Purpose

    /// The HMAC key for nonces, derived from a server signing key's private `d` member (leading zero octets removed,
    /// so every node derives the same key whichever way it loaded the JWK).
    func key(privateD: String, kid: String) throws -> SymmetricKey {
        guard let d = Base64URL.decode(privateD), !d.isEmpty else {
            throw OAuthError.serverError(detail: "server signing key \(kid) has no private d member")
        }
        let material = Data(d.drop { $0 == 0 })
        let info = Data("\(purpose.rawValue)\u{0}\(issuer)\u{0}\(kid)".utf8)
        return HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: material), salt: Self.salt, info: info, outputByteCount: 32)
    }

    /// The window number of `date`.
    func windowNumber(at date: Date) -> UInt64 {
        UInt64(max(0, (date.timeIntervalSince1970 / window).rounded(.down)))
    }

    /// A nonce for the window `now` falls in.
    func nonce(at now: Date, key: SymmetricKey) -> String {
        let w = Self.bytes(windowNumber(at: now))
        return Base64URL.encode(w + tag(w, key: key))
    }

    /// The window bytes and tag of `nonce` when it is well-formed and its window is acceptable at `now` (the window
    /// before, of and after `now`'s); nil otherwise. No key is needed for this check, so stale nonces cost nothing.
    func parse(_ nonce: String, now: Date) -> (window: [UInt8], tag: [UInt8])? {
        guard nonce.utf8.count <= 64, let raw = Base64URL.decode(nonce), raw.count == 8 + Self.tagLength else { return nil }
        let bytes = Array(raw)
        let w = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let current = windowNumber(at: now)
        // `w` is attacker-supplied: bound it from above first, so `w + 1` cannot overflow.
        guard w <= current + 1, w + 1 >= current else { return nil }
        return (Array(bytes[0..<8]), Array(bytes[8...]))
    }

    /// Whether `tag` is the tag of `window` under `key` (constant time).
    func isAuthentic(window: [UInt8], tag: [UInt8], key: SymmetricKey) -> Bool {
        ConstantTime.equals(self.tag(window, key: key), tag)
    }

    private func tag(_ window: [UInt8], key: SymmetricKey) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: window, using: key)).prefix(Self.tagLength).map { $0 }
    }

    private static func bytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * (7 - $0))) }
    }
}
