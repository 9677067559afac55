import AuthorizationServer
import Crypto
import Foundation
import KuraServer
import Testing
import X509

/// RFC 8705 §2.1: `tls_client_auth` "relies on a validated certificate chain [RFC5280]". Policy: RFC 5280 (validity
/// at the injected time, basic and name constraints) plus clientAuth usage of the leaf when it states its usage.
@Suite("RFC 8705 2.1 tls_client_auth chain validation (RFC 5280, clientAuth usage)")
struct ClientCertificateChainValidatorTests {
    let fixture = try! MutualTLSFixture()
    let now = Date()

    func validator() throws -> ClientCertificateChainValidator {
        ClientCertificateChainValidator(trustAnchors: [try fixture.pki.caCertificate])
    }

    @Test("A certificate issued by a trusted CA, within its validity, with EKU clientAuth, validates")
    func valid() async throws {
        let leaf = try fixture.issue(cn: "client-1").certificate
        #expect(try await validator().problem(leaf: leaf, at: now) == nil)
    }

    @Test("Expired and not-yet-valid certificates are refused, judged at the injected time")
    func validity() async throws {
        let expired = try fixture.issue(cn: "c", validity: (now - 86400 * 30)..<(now - 86400)).certificate
        #expect(try await validator().problem(leaf: expired, at: now) != nil)
        let future = try fixture.issue(cn: "c", validity: (now + 86400)..<(now + 86400 * 30)).certificate
        #expect(try await validator().problem(leaf: future, at: now) != nil)
        #expect(try await validator().problem(leaf: future, at: now + 86400 * 2) == nil, "valid at a time inside its period")
    }

    @Test("A certificate from a CA that is not configured as trusted is refused")
    func untrustedCA() async throws {
        let other = try MutualTLSFixture().issue(cn: "client-1").certificate
        #expect(try await validator().problem(leaf: other, at: now) != nil)
        #expect(await ClientCertificateChainValidator(trustAnchors: []).problem(leaf: other, at: now) != nil)
    }

    @Test("A self-signed certificate does not pass PKI validation")
    func selfSigned() async throws {
        let leaf = try DevelopmentPKI.selfSignedClientCertificate(subject: try DistinguishedName { CommonName("client-1") }).certificate
        #expect(try await validator().problem(leaf: leaf, at: now) != nil)
    }

    @Test("Extended key usage without clientAuth is refused (RFC 5280 4.2.1.12); clientAuth among others or anyExtendedKeyUsage is accepted")
    func extendedKeyUsage() async throws {
        let serverOnly = try fixture.issue(cn: "c", extendedKeyUsage: [.serverAuth]).certificate
        #expect(try await validator().problem(leaf: serverOnly, at: now)?.contains("clientAuth") == true)
        let both = try fixture.issue(cn: "c", extendedKeyUsage: [.serverAuth, .clientAuth]).certificate
        #expect(try await validator().problem(leaf: both, at: now) == nil)
        let any = try fixture.issue(cn: "c", extendedKeyUsage: [.any]).certificate
        #expect(try await validator().problem(leaf: any, at: now) == nil)
    }

    @Test("Intermediates presented with the leaf (RFC 9440 Client-Cert-Chain) are used for path building, never as anchors")
    func intermediates() async throws {
        let rootKey = P256.Signing.PrivateKey(), intermediateKey = P256.Signing.PrivateKey(), leafKey = P256.Signing.PrivateKey()
        let rootName = try DistinguishedName { CommonName("Test Root") }
        let intermediateName = try DistinguishedName { CommonName("Test Issuing CA") }
        let root = try Self.ca(name: rootName, issuer: rootName, key: rootKey, signer: rootKey, now: now)
        let intermediate = try Self.ca(name: intermediateName, issuer: rootName, key: intermediateKey, signer: rootKey, now: now)
        let leaf = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(leafKey.publicKey), notValidBefore: now - 60, notValidAfter: now + 3600,
            issuer: intermediateName, subject: try DistinguishedName { CommonName("client-1") }, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { try ExtendedKeyUsage([.clientAuth]) }, issuerPrivateKey: .init(intermediateKey))
        let rootOnly = ClientCertificateChainValidator(trustAnchors: [root])
        #expect(await rootOnly.problem(leaf: leaf, at: now) != nil, "the issuing CA is unknown without the presented chain")
        #expect(await rootOnly.problem(leaf: leaf, intermediates: [intermediate], at: now) == nil)
        let otherRoot = ClientCertificateChainValidator(trustAnchors: [try fixture.pki.caCertificate])
        #expect(await otherRoot.problem(leaf: leaf, intermediates: [intermediate, root], at: now) != nil,
                "a presented root is not a trust anchor")
        #expect(await ClientCertificateChainValidator(trustAnchors: [intermediate]).problem(leaf: leaf, at: now) == nil,
                "an issuing CA configured as trusted anchors the chain itself")
    }

    @Test("--mtls-ca: every CERTIFICATE block of a PEM bundle becomes a trust anchor; a bundle without one is refused")
    func pemBundle() throws {
        let other = try MutualTLSFixture()
        let bundle = fixture.pki.caCertificatePEM + fixture.pki.caPrivateKeyPEM + other.pki.caCertificatePEM
        let anchors = try MutualTLSConfiguration.certificates(pemBundle: bundle)
        #expect(anchors == [try fixture.pki.caCertificate, try other.pki.caCertificate])
        #expect(throws: MutualTLSConfigurationError.self) { _ = try MutualTLSConfiguration.certificates(pemBundle: fixture.pki.caPrivateKeyPEM) }
        #expect(throws: MutualTLSConfigurationError.self) { _ = try MutualTLSConfiguration.certificates(pemBundle: "not PEM") }
    }

    static func ca(name: DistinguishedName, issuer: DistinguishedName, key: P256.Signing.PrivateKey, signer: P256.Signing.PrivateKey,
                   now: Date) throws -> Certificate {
        try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: now - 60, notValidAfter: now + 86400,
            issuer: issuer, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(signer))
    }
}
