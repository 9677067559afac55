import Crypto
import Foundation
import SwiftASN1
import X509

/// A development certificate authority and the certificates `kura demo` and the tests serve TLS with.
///
/// Never for production: production runs with certificates from the bank's PKI (`--tls-cert`, `--tls-key`).
public struct DevelopmentPKI: Sendable {
    public let caCertificatePEM: String
    public let serverCertificatePEM: String
    public let serverPrivateKeyPEM: String

    /// Issues a fresh CA (EC P-256, 10 years) and a server certificate for `hosts` (DNS names or IP literals).
    public static func generate(hosts: [String] = ["localhost", "127.0.0.1", "::1"], now: Date = Date()) throws -> DevelopmentPKI {
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { OrganizationName("Kura Development"); CommonName("Kura Development CA") }
        let ca = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(caKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86400 * 3650, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: Certificate.PublicKey(caKey.publicKey))
            },
            issuerPrivateKey: .init(caKey))
        let serverKey = P256.Signing.PrivateKey()
        let names: [GeneralName] = hosts.map { host in
            if let ip = ipBytes(host) { .ipAddress(ASN1OctetString(contentBytes: ArraySlice(ip))) } else { .dnsName(host) }
        }
        let server = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86400 * 825, issuer: ca.subject,
            subject: try DistinguishedName { OrganizationName("Kura Development"); CommonName(hosts.first ?? "localhost") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(caKey))
        // serializeAsPEM has no trailing newline (STACK-NOTES §3); files get one.
        return DevelopmentPKI(
            caCertificatePEM: try ca.serializeAsPEM().pemString + "\n",
            serverCertificatePEM: try server.serializeAsPEM().pemString + "\n",
            serverPrivateKeyPEM: serverKey.pemRepresentation + "\n")
    }

    /// Writes `ca.pem`, `server.pem` and `server-key.pem` (mode 0600) into `directory`.
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try caCertificatePEM.write(to: directory.appendingPathComponent("ca.pem"), atomically: true, encoding: .utf8)
        try serverCertificatePEM.write(to: directory.appendingPathComponent("server.pem"), atomically: true, encoding: .utf8)
        let keyURL = directory.appendingPathComponent("server-key.pem")
        try serverPrivateKeyPEM.write(to: keyURL, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyURL.path)
    }

    static func ipBytes(_ host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
