import AuthorizationServer
import Foundation
import OAuthCore
import X509

/// The demo's RFC 8705 mutual-TLS partner: `tls_client_auth` with a client certificate from the development CA and
/// certificate-bound access tokens (`cnf.x5t#S256`), next to the private_key_jwt + DPoP partner.
extension DemoEnvironment {
    public static let mutualTLSClientID = "demo-partner-mtls"
    /// The subject DN the mTLS partner registers (`tls_client_auth_subject_dn`, RFC 4514) and its certificate carries.
    public static let mutualTLSSubjectDN = "CN=demo-partner-mtls,O=Demo Partner"

    /// The mTLS partner's client certificate (PEM, issued by the development CA).
    public var mutualTLSCertificateFile: URL { directory.appendingPathComponent("demo-partner-mtls.pem") }
    /// Its private key (PEM, mode 0600).
    public var mutualTLSPrivateKeyFile: URL { directory.appendingPathComponent("demo-partner-mtls-key.pem") }
    /// Its settings, as the partner would keep them.
    public var mutualTLSClientFile: URL { directory.appendingPathComponent("demo-client-mtls.json") }

    /// Mutual TLS on, with the development CA as the one trust anchor for `tls_client_auth` (after `prepareTLS`).
    public func mutualTLSConfiguration() throws -> MutualTLSConfiguration {
        MutualTLSConfiguration(enabled: true, trustedCertificateAuthorities: [try DevelopmentPKI.load(from: tlsDirectory).caCertificate])
    }

    /// Registers the mTLS partner and writes its certificate, key and settings, unless all of them already exist.
    /// A certificate is (re)issued whenever its files are missing: the registration names the subject, not one
    /// certificate, so a new certificate with the same subject keeps working (RFC 8705 §2.1).
    public func seedMutualTLSClient(server: OAuthServer) async throws {
        let files = [mutualTLSCertificateFile, mutualTLSPrivateKeyFile, mutualTLSClientFile]
        let registered = try await server.stores.clients.find(clientID: Self.mutualTLSClientID) != nil
        if registered, files.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) { return }

        let subject = try DistinguishedName { OrganizationName("Demo Partner"); CommonName(Self.mutualTLSClientID) }
        let issued = try DevelopmentPKI.load(from: tlsDirectory).issueClientCertificate(subject: subject, now: server.clock.now())
        try issued.write(certificate: mutualTLSCertificateFile, privateKey: mutualTLSPrivateKeyFile)
        if !registered {
            let metadata: [String: JSONValue] = [
                "client_name": "Demo Partner (mutual TLS)",
                "redirect_uris": [.string(Self.redirectURI)],
                "token_endpoint_auth_method": "tls_client_auth",
                "tls_client_auth_subject_dn": .string(Self.mutualTLSSubjectDN),
                "tls_client_certificate_bound_access_tokens": true,
                "grant_types": ["authorization_code", "refresh_token"],
                "scope": "openid profile accounts transfers offline_access",
            ]
            let validated = try ClientMetadataValidator(configuration: server.configuration).validate(metadata)
            let now = server.clock.now()
            try await server.stores.clients.insert(ClientRecord(clientID: Self.mutualTLSClientID, metadata: validated, createdAt: now, updatedAt: now))
        }
        let partner: JSONValue = [
            "client_id": .string(Self.mutualTLSClientID), "redirect_uri": .string(Self.redirectURI),
            "issuer": .string(server.configuration.issuer), "ca_file": .string(caFile),
            "certificate_file": .string(mutualTLSCertificateFile.path), "private_key_file": .string(mutualTLSPrivateKeyFile.path),
        ]
        try partner.jsonData().write(to: mutualTLSClientFile)
    }
}
