import Crypto
import Foundation
import _CryptoExtras

/// RFC 9421 §3.3 signature algorithms bound to Kura's key types, for HTTP Message Signatures.
///
/// The algorithm follows from the key, never from a message (RFC 9421 §3.2 step 5, §7.3.6): EC P-256 ↔
/// `ecdsa-p256-sha256` (§3.3.4, the same bytes as ES256), Ed25519 ↔ `ed25519` (§3.3.6, as EdDSA), RSA ↔
/// `rsa-pss-sha512` (§3.3.1: PSS with SHA-512, MGF1-SHA-512 and a 64-byte salt, unlike PS256's SHA-256).
public enum HTTPSignatureKeyAlgorithm: String, Sendable, CaseIterable {
    /// RFC 9421 §3.3.1.
    case rsaPSSSHA512 = "rsa-pss-sha512"
    /// RFC 9421 §3.3.4.
    case ecdsaP256SHA256 = "ecdsa-p256-sha256"
    /// RFC 9421 §3.3.6.
    case ed25519 = "ed25519"
}

extension JWSSigningKey {
    /// The RFC 9421 algorithm this key signs HTTP messages with.
    public var httpSignatureAlgorithm: HTTPSignatureKeyAlgorithm {
        switch material {
        case .rsa: .rsaPSSSHA512
        case .p256: .ecdsaP256SHA256
        case .ed25519: .ed25519
        }
    }

    /// Signs an RFC 9421 signature base (§3.1 step 5) with `httpSignatureAlgorithm`.
    ///
    /// ECDSA yields the 64-byte `r || s` (§3.3.4); RSA uses PSS with SHA-512 and a 64-byte salt (§3.3.1).
    public func httpSignature(for signatureBase: Data) throws -> Data {
        switch material {
        case .rsa(let key):
            return try key.signature(for: SHA512.hash(data: signatureBase), padding: .PSS).rawRepresentation
        case .p256, .ed25519:
            return try sign(signatureBase)
        }
    }
}

extension JWK {
    /// The RFC 9421 algorithm this public key verifies HTTP message signatures with.
    public var httpSignatureAlgorithm: HTTPSignatureKeyAlgorithm {
        switch material {
        case .rsa: .rsaPSSSHA512
        case .ec: .ecdsaP256SHA256
        case .okp: .ed25519
        }
    }

    /// Whether the key may verify signatures at all: `use` absent or `sig` (RFC 7517 §4.2), `key_ops` absent or
    /// containing `verify` (§4.3).
    public var isSignatureVerificationKey: Bool {
        if let use, use != "sig" { return false }
        if let keyOps, !keyOps.contains("verify") { return false }
        return true
    }

    /// Verifies an RFC 9421 signature over `signatureBase` (§3.2 step 8) with `httpSignatureAlgorithm`; false when
    /// the key is not a signature-verification key.
    public func verifyHTTPSignature(_ signature: Data, for signatureBase: Data) -> Bool {
        guard isSignatureVerificationKey else { return false }
        switch material {
        case .ec(let key, _, _):
            guard signature.count == 64, let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return key.isValidSignature(sig, for: signatureBase)
        case .okp(let key, _):
            return signature.count == 64 && key.isValidSignature(signature, for: signatureBase)
        case .rsa(let key, _, _):
            guard signature.count == (key.keySizeInBits + 7) / 8 else { return false }
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA512.hash(data: signatureBase),
                padding: .PSS)
        }
    }
}
