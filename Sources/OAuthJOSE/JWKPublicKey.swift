import Crypto
import Foundation
import OAuthCore
import _CryptoExtras

/// The public key material of a JWK, one case per key type Kura accepts (RFC 7518 §6.2–6.3, RFC 8037 §2).
///
/// Each case keeps the canonical base64url strings it was built from, so the RFC 7638 thumbprint and the
/// public JWK JSON are reproduced byte for byte.
enum JWKPublicKey: Sendable {
    /// EC P-256: `x` and `y` are the 32-byte affine coordinates (RFC 7518 §6.2.1.2–6.2.1.3).
    case ec(P256.Signing.PublicKey, x: String, y: String)
    /// OKP Ed25519: `x` is the 32-byte public key (RFC 8037 §2).
    case okp(Curve25519.Signing.PublicKey, x: String)
    /// RSA: `n` and `e` as base64urlUInt (RFC 7518 §6.3.1).
    case rsa(_RSA.Signing.PublicKey, n: String, e: String)

    /// The smallest RSA modulus accepted: FAPI 2.0 SP §5.4.1-2 ("at least 2048 bits").
    static let minimumRSABits = 2048
    /// The largest RSA modulus accepted, so an attacker-chosen DPoP key cannot make verification expensive.
    static let maximumRSABits = 8192

    var kty: String {
        switch self {
        case .ec: "EC"
        case .okp: "OKP"
        case .rsa: "RSA"
        }
    }

    /// The only algorithm this key type may verify (FAPI 2.0 SP §5.4.1-1; RFC 8725 §3.1 binds alg to key).
    var algorithm: JWSAlgorithm {
        switch self {
        case .ec: .es256
        case .okp: .edDSA
        case .rsa: .ps256
        }
    }

    /// The required public members in lexicographic order: exactly RFC 7638 §3.2's thumbprint input.
    var requiredMembers: [(name: String, value: String)] {
        switch self {
        case .ec(_, let x, let y): [("crv", "P-256"), ("kty", "EC"), ("x", x), ("y", y)]
        case .okp(_, let x): [("crv", "Ed25519"), ("kty", "OKP"), ("x", x)]
        case .rsa(_, let n, let e): [("e", e), ("kty", "RSA"), ("n", n)]
        }
    }

    /// Parses the public members of a JWK; rejects unknown `kty`/`crv`, non-canonical base64url, points off the
    /// curve and RSA moduli outside 2048…8192 bits.
    init(json: [String: JSONValue]) throws(JOSEError) {
        let kty = try JWKMember.string(json, "kty")
        switch kty {
        case "EC":
            let crv = try JWKMember.string(json, "crv")
            guard crv == "P-256" else {
                throw JOSEError("EC curve \(JOSEError.quote(crv)) is not supported; only P-256 is")
            }
            let x = try JWKMember.string(json, "x")
            let y = try JWKMember.string(json, "y")
            let point =
                try JWKMember.fixedBytes(x, count: 32, name: "x") + JWKMember.fixedBytes(y, count: 32, name: "y")
            do {
                self = .ec(try P256.Signing.PublicKey(x963Representation: [0x04] + point), x: x, y: y)
            } catch {
                throw JOSEError("EC point is not on the P-256 curve")
            }
        case "OKP":
            let crv = try JWKMember.string(json, "crv")
            guard crv == "Ed25519" else {
                throw JOSEError("OKP curve \(JOSEError.quote(crv)) is not supported; only Ed25519 is")
            }
            let x = try JWKMember.string(json, "x")
            let raw = try JWKMember.fixedBytes(x, count: 32, name: "x")
            do {
                self = .okp(try Curve25519.Signing.PublicKey(rawRepresentation: raw), x: x)
            } catch {
                throw JOSEError("Ed25519 public key is invalid")
            }
        case "RSA":
            let n = try JWKMember.string(json, "n")
            let e = try JWKMember.string(json, "e")
            let modulus = try JWKMember.unsignedInteger(n, name: "n")
            let exponent = try JWKMember.unsignedInteger(e, name: "e")
            let bits = modulus.count * 8 - (modulus.first.map { $0.leadingZeroBitCount } ?? 0)
            guard bits >= Self.minimumRSABits else {
                throw JOSEError("RSA key has \(bits) bits; at least 2048 are required")
            }
            guard bits <= Self.maximumRSABits else {
                throw JOSEError("RSA key has \(bits) bits; at most 8192 are accepted")
            }
            guard exponent.count <= 4 else { throw JOSEError("RSA public exponent is too large") }
            do {
                self = .rsa(try _RSA.Signing.PublicKey(n: modulus, e: exponent), n: n, e: e)
            } catch {
                throw JOSEError("RSA public key is invalid")
            }
        default:
            throw JOSEError("JWK kty \(JOSEError.quote(kty)) is not supported; only EC, OKP and RSA are")
        }
    }

    /// Checks `signature` over `signingInput` with the algorithm bound to this key type (RFC 7515 §5.2 step 8).
    func isValidSignature(_ signature: Data, for signingInput: Data) -> Bool {
        switch self {
        case .ec(let key, _, _):
            // RFC 7518 §3.4: the JWS signature is the 64-byte R || S, not DER.
            guard signature.count == 64,
                let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return key.isValidSignature(sig, for: signingInput)
        case .okp(let key, _):
            guard signature.count == 64 else { return false }
            return key.isValidSignature(signature, for: signingInput)
        case .rsa(let key, _, _):
            // RFC 7518 §3.5: PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt; the signature is as long as the modulus.
            guard signature.count == (key.keySizeInBits + 7) / 8 else { return false }
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature),
                for: SHA256.hash(data: signingInput), padding: .PSS)
        }
    }
}
