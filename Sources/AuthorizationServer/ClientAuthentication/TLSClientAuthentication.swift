import Foundation
import OAuthCore
import OAuthJOSE

/// Mutual-TLS client authentication (RFC 8705 §2): "The authorization server MUST enforce the binding between client
/// and certificate … If no certificate is presented, or that which is presented doesn't match that which is expected
/// for the given client_id, the authorization server returns … the invalid_client error code".
///
/// - `tls_client_auth` (§2.1): the chain validates to a configured trust anchor (`ClientCertificateChainValidator`)
///   and the certificate carries the client's one registered subject (`TLSClientAuthSubject`).
/// - `self_signed_tls_client_auth` (§2.2): the certificate matches a key the client registered
///   (`SelfSignedCertificateMatching`).
public struct TLSClientAuthentication: Sendable {
    public let configuration: MutualTLSConfiguration

    public init(configuration: MutualTLSConfiguration) { self.configuration = configuration }

    /// Authenticates `client` (registered for one of the two methods) by `certificate`.
    /// - Parameters:
    ///   - keys: the client's keys (`jwks` or `jwks_uri`), read only for `self_signed_tls_client_auth`.
    ///   - now: the time certificates are validated at (the injected clock's).
    /// - Throws: `invalid_client` for every failure.
    public func authenticate(_ client: Client, certificate: ClientCertificate?, keys: () async throws -> JWKSet,
                             at now: Date) async throws -> AuthenticatedClient {
        guard configuration.enabled else {
            throw OAuthError.invalidClient("Mutual-TLS client authentication is not enabled on this server")
        }
        guard let certificate else {
            throw OAuthError.invalidClient("This client authenticates with a TLS client certificate (RFC 8705), but none was presented")
        }
        switch client.authenticationMethod {
        case .tlsClientAuth:
            let subject = try TLSClientAuthSubject(metadata: client.metadata)
            guard subject.matches(certificate.certificate) else {
                throw OAuthError.invalidClient("The client certificate does not carry the subject registered for this client",
                                               detail: "subject \(certificate.certificate.subject)")
            }
            let validator = ClientCertificateChainValidator(trustAnchors: configuration.trustedCertificateAuthorities)
            if let problem = await validator.problem(leaf: certificate.certificate, intermediates: certificate.intermediates, at: now) {
                throw OAuthError.invalidClient("The client certificate is not issued by a trusted CA or not valid now", detail: problem)
            }
        case .selfSignedTLSClientAuth:
            let registered = try await keys()
            guard SelfSignedCertificateMatching.matches(certificate, keys: registered, registeredJWKS: client.metadata["jwks"]?.objectValue) else {
                throw OAuthError.invalidClient("The client certificate matches none of the client's registered keys")
            }
        case .privateKeyJWT:
            throw OAuthError.invalidClient("This client is registered for private_key_jwt: send a client_assertion")
        }
        return AuthenticatedClient(client: client, method: client.authenticationMethod)
    }
}
