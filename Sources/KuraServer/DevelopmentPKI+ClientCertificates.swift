import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// A TLS client certificate and its private key (PEM), for RFC 8705 mutual TLS in the demo and the tests.
public struct DevelopmentClientCertificate: Sendable {
    public let certificate: Certificate
    public let certificatePEM: String
    public let privateKeyPEM: String

    /// The DER the client presents: what `cnf.x5t#S256` hashes (RFC 8705 §3.1).
    public var certificateDER: [UInt8] {
        get throws {
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return serializer.serializedBytes
        }
    }

    /// Writes the certificate and the key (mode 0600) to two files.
    public func write(certificate certificateURL: URL, privateKey keyURL: URL) throws {
        try certificatePEM.write(to: certificateURL, atomically: true, encoding: .utf8)
        try DevelopmentPKI.writePrivate(privateKeyPEM, to: keyURL)
    }
}

extension DevelopmentPKI {
    /// Issues a client certificate from the development CA for `tls_client_auth` (RFC 8705 §2.1): end entity,
    /// digitalSignature, extended key usage clientAuth (RFC 5280 §4.2.1.12), the given subject and SANs.
    ///
    /// - Parameters:
    ///   - key: the client's key; a fresh P-256 key by default.
    ///   - extendedKeyUsage: [.clientAuth] by default; tests pass others to provoke a usage failure.
    ///   - validity: two years from an hour ago by default; tests pass a past range for an expired certificate.
    public func issueClientCertificate(
        subject: DistinguishedName, alternativeNames: [GeneralName] = [], key: Certificate.PrivateKey? = nil,
        extendedKeyUsage: [ExtendedKeyUsage.Usage] = [.clientAuth], validity: Range<Date>? = nil, now: Date = Date()
    ) throws -> DevelopmentClientCertificate {
        let ca = try caCertificate
        let caKey = Certificate.PrivateKey(try P256.Signing.PrivateKey(pemRepresentation: caPrivateKeyPEM))
        return try Self.clientCertificate(
            subject: subject, issuer: ca.subject, issuerKey: caKey, alternativeNames: alternativeNames, key: key,
            extendedKeyUsage: extendedKeyUsage, validity: validity ?? (now - 3600)..<(now + 86400 * 730))
    }

    /// A self-signed client certificate for `self_signed_tls_client_auth` (RFC 8705 §2.2): subject = issuer, signed
    /// with its own key, which the client registers as a JWK.
    public static func selfSignedClientCertificate(
        subject: DistinguishedName, key: Certificate.PrivateKey? = nil, validity: Range<Date>? = nil, now: Date = Date()
    ) throws -> DevelopmentClientCertificate {
        let key = key ?? Certificate.PrivateKey(P256.Signing.PrivateKey())
        return try clientCertificate(
            subject: subject, issuer: subject, issuerKey: key, alternativeNames: [], key: key, extendedKeyUsage: [.clientAuth],
            validity: validity ?? (now - 3600)..<(now + 86400 * 730))
    }

    static func clientCertificate(
        subject: DistinguishedName, issuer: DistinguishedName, issuerKey: Certificate.PrivateKey, alternativeNames: [GeneralName],
        key: Certificate.PrivateKey?, extendedKeyUsage: [ExtendedKeyUsage.Usage], validity: Range<Date>
    ) throws -> DevelopmentClientCertificate {
        let key = key ?? Certificate.PrivateKey(P256.Signing.PrivateKey())
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: key.publicKey,
            notValidBefore: validity.lowerBound, notValidAfter: validity.upperBound, issuer: issuer, subject: subject,
            signatureAlgorithm: try signatureAlgorithm(for: issuerKey),
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage(extendedKeyUsage)
                if !alternativeNames.isEmpty { SubjectAlternativeNames(alternativeNames) }
            },
            issuerPrivateKey: issuerKey)
        return DevelopmentClientCertificate(
            certificate: certificate, certificatePEM: try certificate.serializeAsPEM().pemString + "\n",
            privateKeyPEM: try key.serializeAsPEM().pemString + "\n")
    }

    /// The signature algorithm for a development key: ECDSA (P-256, P-384), SHA256-RSA or Ed25519.
    static func signatureAlgorithm(for key: Certificate.PrivateKey) throws -> Certificate.SignatureAlgorithm {
        if P256.Signing.PublicKey(key.publicKey) != nil { return .ecdsaWithSHA256 }
        if P384.Signing.PublicKey(key.publicKey) != nil { return .ecdsaWithSHA384 }
        if _RSA.Signing.PublicKey(key.publicKey) != nil { return .sha256WithRSAEncryption }
        if Curve25519.Signing.PublicKey(key.publicKey) != nil { return .ed25519 }
        throw ConfigurationError("development certificates use P-256, P-384, RSA or Ed25519 keys")
    }
}
