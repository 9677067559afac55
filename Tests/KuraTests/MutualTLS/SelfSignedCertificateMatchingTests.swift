import AuthorizationServer
import Crypto
import Foundation
import KuraServer
import OAuthCore
import OAuthJOSE
import Testing
import X509
import _CryptoExtras

/// RFC 8705 §2.2: a `self_signed_tls_client_auth` client is authenticated when its certificate matches one it
/// registered in `jwks`/`jwks_uri` — by public key, or as the first `x5c` certificate of a registered JWK.
@Suite("RFC 8705 2.2 self_signed_tls_client_auth: certificate matches a registered key")
struct SelfSignedCertificateMatchingTests {
    /// A self-signed certificate for the private key behind `key` (the JWK the client registers).
    static func certificate(for key: JWSSigningKey) throws -> ClientCertificate {
        try ClientCertificate(der: try MutualTLSFixture.selfSigned(for: key).certificateDER, source: .tlsHandshake)
    }

    @Test("The certificate's public key equals a registered JWK (P-256, RSA, Ed25519)", arguments: [JWSAlgorithm.es256, .ps256, .edDSA])
    func matchesByKey(_ alg: JWSAlgorithm) throws {
        let key = try JWSSigningKey.generate(alg, kid: "k")
        let other = try JWSSigningKey.generate(.es256, kid: "other")
        let certificate = try Self.certificate(for: key)
        #expect(SelfSignedCertificateMatching.matches(certificate, keys: JWKSet(keys: [other.publicJWK, key.publicJWK])))
        #expect(SelfSignedCertificateMatching.jwkThumbprint(of: certificate.certificate.publicKey) == key.publicJWK.thumbprint())
    }

    @Test("A certificate for a key the client did not register does not match")
    func mismatch() throws {
        let certificate = try Self.certificate(for: try JWSSigningKey.generate(.es256, kid: "k"))
        let registered = try JWSSigningKey.generate(.es256, kid: "registered")
        #expect(!SelfSignedCertificateMatching.matches(certificate, keys: JWKSet(keys: [registered.publicJWK])))
        #expect(!SelfSignedCertificateMatching.matches(certificate, keys: JWKSet(keys: [])))
    }

    @Test("The certificate equals the first x5c certificate of a registered JWK (RFC 7517 4.7), even for a key type JWK parsing skips")
    func matchesByX5C() throws {
        let p384 = try DevelopmentPKI.selfSignedClientCertificate(
            subject: try DistinguishedName { CommonName("p384") }, key: .init(P384.Signing.PrivateKey()))
        let certificate = try ClientCertificate(der: try p384.certificateDER, source: .tlsHandshake)
        #expect(SelfSignedCertificateMatching.jwkThumbprint(of: certificate.certificate.publicKey) == nil, "P-384 is no Kura JWK")
        let x5c = Data(certificate.der).base64EncodedString()
        let jwks: [String: JSONValue] = ["keys": [["kty": "EC", "crv": "P-384", "x5c": [.string(x5c)]]]]
        #expect(SelfSignedCertificateMatching.matches(certificate, keys: JWKSet(keys: []), registeredJWKS: jwks))
        let otherX5C = Data(try Self.certificate(for: try JWSSigningKey.generate(.es256, kid: "o")).der).base64EncodedString()
        let otherJWKS: [String: JSONValue] = ["keys": [["kty": "EC", "x5c": [.string(otherX5C), .string(x5c)]]]]
        #expect(!SelfSignedCertificateMatching.matches(certificate, keys: JWKSet(keys: []), registeredJWKS: otherJWKS),
                "only the first x5c certificate is the key's own")
    }
}
