import Crypto
import Foundation
import OAuthCore
import _CryptoExtras

/// A private key Kura signs JWSs with (RFC 7515 §5.1): server keys (ID tokens, JARM, access tokens) and client keys
/// (private_key_jwt, DPoP) in `KuraClient` and the tests.
///
/// Each key is bound to one algorithm at creation (FAPI 2.0 SP §5.4.1-1): P-256 ↔ ES256, Ed25519 ↔ EdDSA,
/// RSA (≥ 2048 bits, §5.4.1-2) ↔ PS256.
public struct JWSSigningKey: Sendable {
    /// The private key, one case per supported key type.
    enum Material: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    /// The one algorithm this key signs with.
    public let alg: JWSAlgorithm
    /// The key ID written into JOSE headers and the published JWK (RFC 7515 §4.1.4).
    public let kid: String
    let material: Material

    init(alg: JWSAlgorithm, kid: String, material: Material) {
        self.alg = alg
        self.kid = kid
        self.material = material
    }

    /// Generates a fresh key for `alg` (PS256: an RSA key of `rsaBits`, 2048 by default, FAPI 2.0 SP §5.4.1-2).
    /// - Throws: `JOSEError` if `rsaBits` is outside 2048…8192, or the underlying generator's error.
    public static func generate(_ alg: JWSAlgorithm, kid: String, rsaBits: Int = 2048) throws -> JWSSigningKey {
        switch alg {
        case .ps256:
            guard (JWKPublicKey.minimumRSABits...JWKPublicKey.maximumRSABits).contains(rsaBits) else {
                throw JOSEError("RSA keys must have 2048 to 8192 bits")
            }
            let key = try _RSA.Signing.PrivateKey(keySize: .init(bitCount: rsaBits))
            return JWSSigningKey(alg: alg, kid: kid, material: .rsa(key))
        case .es256:
            return JWSSigningKey(alg: alg, kid: kid, material: .p256(P256.Signing.PrivateKey()))
        case .edDSA:
            return JWSSigningKey(alg: alg, kid: kid, material: .ed25519(Curve25519.Signing.PrivateKey()))
        }
    }

    /// Signs a JWS signing input (RFC 7515 §5.1 step 5).
    ///
    /// ES256 yields the 64-byte `R || S` (RFC 7518 §3.4); PS256 uses PSS with SHA-256, MGF1-SHA-256 and a 32-byte
    /// salt (RFC 7518 §3.5); EdDSA is pure Ed25519 (RFC 8037 §3.1).
    public func sign(_ signingInput: Data) throws -> Data {
        switch material {
        case .rsa(let key):
            return try key.signature(for: SHA256.hash(data: signingInput), padding: .PSS).rawRepresentation
        case .p256(let key):
            return try key.signature(for: signingInput).rawRepresentation
        case .ed25519(let key):
            return try key.signature(for: signingInput)
        }
    }

    /// The public half as a JWK with `kid`, `use: sig` and `alg` (RFC 7517 §4): what Kura publishes or registers.
    public var publicJWK: JWK {
        JWK(material: publicMaterial, kid: kid, use: "sig", alg: alg.rawValue)
    }

    var publicMaterial: JWKPublicKey {
        switch material {
        case .rsa(let key):
            let primitives = try? key.publicKey.getKeyPrimitives()
            let n = Base64URL.encode(Self.minimal(primitives?.modulus ?? Data()))
            let e = Base64URL.encode(Self.minimal(primitives?.publicExponent ?? Data()))
            return .rsa(key.publicKey, n: n, e: e)
        case .p256(let key):
            let point = key.publicKey.x963Representation
            return .ec(
                key.publicKey, x: Base64URL.encode(point.dropFirst().prefix(32)), y: Base64URL.encode(point.suffix(32)))
        case .ed25519(let key):
            return .okp(key.publicKey, x: Base64URL.encode(key.publicKey.rawRepresentation))
        }
    }

    /// The private key as PKCS#8 PEM, for `openssl`/`curl --key`.
    public var pemPrivateKey: String? {
        switch material {
        case .rsa(let key): key.pkcs8PEMRepresentation
        case .p256(let key): key.pemRepresentation
        case .ed25519(let key): key.pemRepresentation
        }
    }

    /// The public key as SubjectPublicKeyInfo PEM.
    public var pemPublicKey: String? {
        switch material {
        case .rsa(let key): key.publicKey.pemRepresentation
        case .p256(let key): key.publicKey.pemRepresentation
        case .ed25519(let key): key.publicKey.pemRepresentation
        }
    }

    /// A big-endian unsigned integer without leading zero octets (RFC 7518 §2 Base64urlUInt).
    static func minimal(_ bytes: Data) -> Data {
        let trimmed = bytes.drop { $0 == 0 }
        return trimmed.isEmpty ? Data([0]) : Data(trimmed)
    }
}
