import Crypto
import Foundation
import SwiftASN1
import X509

/// A development certificate authority and the certificates `kura demo` and the tests serve TLS with, plus client
/// certificates for RFC 8705 mutual TLS (issued by the CA for `tls_client_auth`, or self-signed).
///
/// Never for production: production runs with certificates from the bank's PKI (`--tls-cert`, `--tls-key`,
/// `--mtls-ca`).
public struct DevelopmentPKI: Sendable {
    public let caCertificatePEM: String
    /// The CA's private key, kept so client certificates can be issued after a restart (`load(from:)`).
    public let caPrivateKeyPEM: String
    public let serverCertificatePEM: String
    public let serverPrivateKeyPEM: String

    /// Issues a fresh CA (EC P-256, 10 years) and a server certificate for `hosts` (DNS names or IP literals).
    public static func generate(hosts: [String] = ["localhost", "127.0.0.1", "::1"], now: Date = Date()) throws -> DevelopmentPKI {
        let caKey = P256.Signing.PrivateKey()
        let ca = try makeCA(key: caKey, name: DistinguishedName { OrganizationName("Kura Development"); CommonName("Kura Development CA") }, now: now)
        let serverKey = P256.Signing.PrivateKey()
        let server = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86400 * 825, issuer: ca.subject,
            subject: try DistinguishedName { OrganizationName("Kura Development"); CommonName(hosts.first ?? "localhost") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(hosts.map(generalName(forHost:)))
            },
            issuerPrivateKey: .init(caKey))
        // serializeAsPEM has no trailing newline (STACK-NOTES §3); files get one.
        return DevelopmentPKI(
            caCertificatePEM: try ca.serializeAsPEM().pemString + "\n", caPrivateKeyPEM: caKey.pemRepresentation + "\n",
            serverCertificatePEM: try server.serializeAsPEM().pemString + "\n",
            serverPrivateKeyPEM: serverKey.pemRepresentation + "\n")
    }

    /// A self-signed CA certificate for `key` (10 years, path length 0).
    static func makeCA(key: P256.Signing.PrivateKey, name: DistinguishedName, now: Date) throws -> Certificate {
        try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86400 * 3650, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
            },
            issuerPrivateKey: .init(key))
    }

    /// Reads a PKI `write(to:)` wrote. Throws when a file is missing (e.g. a folder from before `ca-key.pem`).
    public static func load(from directory: URL) throws -> DevelopmentPKI {
        func read(_ name: String) throws -> String { try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) }
        return DevelopmentPKI(caCertificatePEM: try read("ca.pem"), caPrivateKeyPEM: try read("ca-key.pem"),
                              serverCertificatePEM: try read("server.pem"), serverPrivateKeyPEM: try read("server-key.pem"))
    }

    /// Writes `ca.pem`, `ca-key.pem`, `server.pem` and `server-key.pem` (keys mode 0600) into `directory`.
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try caCertificatePEM.write(to: directory.appendingPathComponent("ca.pem"), atomically: true, encoding: .utf8)
        try serverCertificatePEM.write(to: directory.appendingPathComponent("server.pem"), atomically: true, encoding: .utf8)
        try Self.writePrivate(caPrivateKeyPEM, to: directory.appendingPathComponent("ca-key.pem"))
        try Self.writePrivate(serverPrivateKeyPEM, to: directory.appendingPathComponent("server-key.pem"))
    }

    /// The CA certificate, parsed.
    public var caCertificate: Certificate {
        get throws { try Certificate(pemEncoded: caCertificatePEM) }
    }

    static func writePrivate(_ text: String, to url: URL) throws {
        try text.write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }

    /// A SAN for a host: an iPAddress for an IP literal, a dNSName otherwise.
    public static func generalName(forHost host: String) -> GeneralName {
        if let ip = ipBytes(host) { .ipAddress(ASN1OctetString(contentBytes: ArraySlice(ip))) } else { .dnsName(host) }
    }

    static func ipBytes(_ host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
