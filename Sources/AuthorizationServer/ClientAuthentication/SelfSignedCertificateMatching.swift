import Crypto
import Foundation
import OAuthCore
import OAuthJOSE
import X509
import _CryptoExtras

/// RFC 8705 §2.2 self-signed certificate client authentication: "the client is successfully authenticated if the
/// certificate that it presented during the handshake matches one of the certificates configured or registered for
/// that particular client", registered with `jwks` or `jwks_uri` (§2.2.2).
///
/// A certificate matches a registered key when
/// - its public key is the key of a registered JWK (compared by RFC 7638 thumbprint), or
/// - it is, byte for byte, the first certificate of a registered JWK's `x5c` (RFC 7517 §4.7).
///
/// The TLS handshake proved possession of the certificate's private key, so a client may reissue its self-signed
/// certificate (e.g. on expiry) for the same registered key; no chain, validity period or name is checked (§2.2:
/// the certificate is not validated against a PKI).
public enum SelfSignedCertificateMatching {
    /// Whether `certificate` matches one of `keys` or one of the `x5c` certificates in `registeredJWKS` (the raw
    /// registered `jwks` object; `JWKSet` keeps no `x5c`).
    public static func matches(_ certificate: ClientCertificate, keys: JWKSet, registeredJWKS: [String: JSONValue]? = nil) -> Bool {
        if let thumbprint = jwkThumbprint(of: certificate.certificate.publicKey),
           keys.keys.contains(where: { $0.thumbprint() == thumbprint }) {
            return true
        }
        return x5cCertificates(registeredJWKS).contains(certificate.der)
    }

    /// The RFC 7638 thumbprint of a certificate key Kura accepts as a JWK (P-256, Ed25519, RSA 2048–8192), or nil.
    public static func jwkThumbprint(of key: Certificate.PublicKey) -> String? {
        var json: [String: JSONValue]
        if let p256 = P256.Signing.PublicKey(key) {
            let point = p256.x963Representation
            json = ["kty": "EC", "crv": "P-256", "x": .string(Base64URL.encode(point.dropFirst().prefix(32))),
                    "y": .string(Base64URL.encode(point.suffix(32)))]
        } else if let ed25519 = Curve25519.Signing.PublicKey(key) {
            json = ["kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(ed25519.rawRepresentation))]
        } else if let rsa = _RSA.Signing.PublicKey(key), let primitives = try? rsa.getKeyPrimitives() {
            json = ["kty": "RSA", "n": .string(Base64URL.encode(minimal(primitives.modulus))),
                    "e": .string(Base64URL.encode(minimal(primitives.publicExponent)))]
        } else {
            return nil
        }
        return (try? JWK(json: json))?.thumbprint()
    }

    /// The DER of each registered JWK's first `x5c` certificate (standard base64, RFC 7517 §4.7).
    static func x5cCertificates(_ jwks: [String: JSONValue]?) -> [[UInt8]] {
        (jwks?["keys"]?.arrayValue ?? []).compactMap { key in
            guard let first = key.objectValue?["x5c"]?.arrayValue?.first?.stringValue else { return nil }
            return Data(base64Encoded: first).map(Array.init)
        }
    }

    /// A big-endian unsigned integer without leading zero octets (RFC 7518 §2 Base64urlUInt).
    static func minimal(_ bytes: Data) -> Data {
        let trimmed = bytes.drop { $0 == 0 }
        return trimmed.isEmpty ? Data([0]) : Data(trimmed)
    }
}
