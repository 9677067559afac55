import Crypto
import Foundation
import OAuthJOSE
import _CryptoExtras

/// A verification key bound to exactly one RFC 9421 §3.3 algorithm, so the message's `alg` parameter can only be
/// checked against it, never select it (§3.2 step 5; §7.3.6).
public enum HTTPSignatureVerificationKey: Sendable {
    /// A JWK: EC P-256 → `ecdsa-p256-sha256`, OKP Ed25519 → `ed25519`, RSA → `rsa-pss-sha512`.
    case jwk(JWK)
    /// `rsa-pss-sha512` (§3.3.1).
    case rsaPSSSHA512(_RSA.Signing.PublicKey)
    /// `rsa-v1_5-sha256` (§3.3.2). Verification only, for the RFC's examples; the FAPI profile never accepts it.
    case rsaV15SHA256(_RSA.Signing.PublicKey)
    /// `hmac-sha256` (§3.3.3). Verification only, for the RFC's examples; the FAPI profile never accepts it.
    case hmacSHA256(SymmetricKey)
    /// `ecdsa-p256-sha256` (§3.3.4).
    case ecdsaP256SHA256(P256.Signing.PublicKey)
    /// `ed25519` (§3.3.6).
    case ed25519(Curve25519.Signing.PublicKey)

    /// The §6.2 registry name of the algorithm bound to this key.
    public var algorithm: String {
        switch self {
        case .jwk(let jwk): jwk.httpSignatureAlgorithm.rawValue
        case .rsaPSSSHA512: "rsa-pss-sha512"
        case .rsaV15SHA256: "rsa-v1_5-sha256"
        case .hmacSHA256: "hmac-sha256"
        case .ecdsaP256SHA256: "ecdsa-p256-sha256"
        case .ed25519: "ed25519"
        }
    }

    /// Checks `signature` over `signatureBase` with the bound algorithm (§3.3; HMAC compared in constant time).
    public func verify(_ signature: [UInt8], over signatureBase: [UInt8]) -> Bool {
        let base = Data(signatureBase)
        let signatureData = Data(signature)
        switch self {
        case .jwk(let jwk):
            return jwk.verifyHTTPSignature(signatureData, for: base)
        case .rsaPSSSHA512(let key):
            guard signature.count == (key.keySizeInBits + 7) / 8 else { return false }
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signatureData), for: SHA512.hash(data: base), padding: .PSS)
        case .rsaV15SHA256(let key):
            guard signature.count == (key.keySizeInBits + 7) / 8 else { return false }
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signatureData), for: SHA256.hash(data: base),
                padding: .insecurePKCS1v1_5)
        case .hmacSHA256(let key):
            return HMAC<SHA256>.isValidAuthenticationCode(signatureData, authenticating: base, using: key)
        case .ecdsaP256SHA256(let key):
            guard signature.count == 64, let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signatureData) else {
                return false
            }
            return key.isValidSignature(sig, for: base)
        case .ed25519(let key):
            return signature.count == 64 && key.isValidSignature(signatureData, for: base)
        }
    }
}
