import AuthorizationServer
import Foundation
import HummingbirdTesting
import KuraServer
import OAuthCore
import OAuthJOSE
import Testing
import X509

/// RFC 8705 §2: "If no certificate is presented, or that which is presented doesn't match that which is expected for
/// the given client_id, the authorization server returns … the invalid_client error code".
@Suite("RFC 8705 2 mutual-TLS client authentication: binding between client and certificate")
struct TLSClientAuthenticationTests {
    let fixture = try! MutualTLSFixture()
    let now = Date()

    func authenticate(_ client: Client, _ certificate: DevelopmentClientCertificate?, enabled: Bool = true,
                      keys: JWKSet = JWKSet(keys: [])) async throws -> AuthenticatedClient {
        try await authenticate(client, presented: try certificate.map { try ClientCertificate(der: try $0.certificateDER, source: .tlsHandshake) },
                               enabled: enabled, keys: keys)
    }

    func authenticate(_ client: Client, presented: ClientCertificate?, enabled: Bool = true,
                      keys: JWKSet = JWKSet(keys: [])) async throws -> AuthenticatedClient {
        var configuration = try fixture.configuration
        configuration.enabled = enabled
        return try await TLSClientAuthentication(configuration: configuration).authenticate(
            client, certificate: presented, keys: { keys }, at: now)
    }

    var pkiClient: Client {
        get throws {
            try MutualTLSFixture.client(["token_endpoint_auth_method": "tls_client_auth",
                                         "tls_client_auth_subject_dn": .string(MutualTLSFixture.subjectDN(cn: "client-1"))])
        }
    }

    @Test("tls_client_auth: a certificate from a trusted CA carrying the registered subject authenticates the client")
    func pkiSuccess() async throws {
        let authenticated = try await authenticate(try pkiClient, try fixture.issue(cn: "client-1"))
        #expect(authenticated.method == .tlsClientAuth)
        #expect(authenticated.client.id == "c")
    }

    @Test("tls_client_auth: no certificate, another subject, an untrusted CA or an expired certificate → invalid_client")
    func pkiFailures() async throws {
        let client = try pkiClient
        await #expect(throws: OAuthError(.invalidClient)) { try await authenticate(client, nil) }
        await #expect(throws: OAuthError(.invalidClient)) { try await authenticate(client, try fixture.issue(cn: "client-2")) }
        await #expect(throws: OAuthError(.invalidClient)) { try await authenticate(client, try MutualTLSFixture().issue(cn: "client-1")) }
        let expired = try fixture.issue(cn: "client-1", validity: (now - 86400 * 30)..<(now - 60))
        await #expect(throws: OAuthError(.invalidClient)) { try await authenticate(client, expired) }
        let wrongUsage = try fixture.issue(cn: "client-1", extendedKeyUsage: [.serverAuth])
        await #expect(throws: OAuthError(.invalidClient)) { try await authenticate(client, wrongUsage) }
    }

    @Test("With mutual TLS disabled, an mTLS client cannot authenticate even with a valid certificate")
    func disabled() async throws {
        await #expect(throws: OAuthError(.invalidClient)) {
            try await authenticate(try pkiClient, try fixture.issue(cn: "client-1"), enabled: false)
        }
    }

    @Test("self_signed_tls_client_auth: the certificate of a registered key authenticates; any other does not")
    func selfSigned() async throws {
        let key = try JWSSigningKey.generate(.es256, kid: "k")
        let jwks = JWKSet(keys: [key.publicJWK])
        let client = try MutualTLSFixture.client(["token_endpoint_auth_method": "self_signed_tls_client_auth",
                                                  "jwks": .object(jwks.publicJSON)])
        let certificate = try SelfSignedCertificateMatchingTests.certificate(for: key)
        #expect(try await authenticate(client, presented: certificate, keys: jwks).method == .selfSignedTLSClientAuth)
        let stranger = try DevelopmentPKI.selfSignedClientCertificate(subject: try DistinguishedName { CommonName("stranger") })
        await #expect(throws: OAuthError(.invalidClient)) { try await authenticate(client, stranger, keys: jwks) }
        await #expect(throws: OAuthError(.invalidClient)) { try await authenticate(client, nil, keys: jwks) }
        let caIssued = try fixture.issue(cn: "client-1")
        await #expect(throws: OAuthError(.invalidClient), "a CA-issued certificate for another key") {
            try await authenticate(client, caIssued, keys: jwks)
        }
    }

    @Test("A private_key_jwt client is never authenticated by a certificate")
    func privateKeyJWTClient() async throws {
        let key = try JWSSigningKey.generate(.es256, kid: "k")
        let client = try MutualTLSFixture.client(["token_endpoint_auth_method": "private_key_jwt",
                                                  "jwks": .object(JWKSet(keys: [key.publicJWK]).publicJSON)])
        await #expect(throws: OAuthError(.invalidClient)) { try await authenticate(client, try fixture.issue(cn: "client-1")) }
    }
}

@Suite("RFC 8705 3.3 and 2.1.1/2.2.1 discovery metadata for mutual TLS")
struct MutualTLSDiscoveryTests {
    func document(_ configure: (inout ServerConfiguration) -> Void) async throws -> [String: JSONValue] {
        try await TestServer(configure: configure).withFlow { flow in
            let response = try await flow.get(OAuthServer.Path.openIDConfiguration)
            return try #require(JSONValue.parseObject(response.body.readableBytesView))
        }
    }

    func methods(_ document: [String: JSONValue], _ member: String = "token_endpoint_auth_methods_supported") -> [String]? {
        document[member]?.arrayValue?.compactMap(\.stringValue)
    }

    @Test("Mutual TLS off (the library default): only private_key_jwt, no certificate-bound tokens advertised")
    func disabled() async throws {
        let d = try await document { _ in }
        #expect(methods(d) == ["private_key_jwt"])
        #expect(d["tls_client_certificate_bound_access_tokens"] == nil)
    }

    @Test("Mutual TLS on with a trusted CA: tls_client_auth and self_signed_tls_client_auth, and tls_client_certificate_bound_access_tokens true")
    func enabled() async throws {
        let ca = try MutualTLSFixture().pki.caCertificate
        let d = try await document { $0.mutualTLS = MutualTLSConfiguration(enabled: true, trustedCertificateAuthorities: [ca]) }
        #expect(methods(d) == ["private_key_jwt", "tls_client_auth", "self_signed_tls_client_auth"])
        #expect(d["tls_client_certificate_bound_access_tokens"] == true)
        for endpoint in ["revocation_endpoint_auth_methods_supported", "introspection_endpoint_auth_methods_supported"] where d[endpoint] != nil {
            #expect(methods(d, endpoint) == methods(d), "\(endpoint) authenticates as the token endpoint does")
        }
    }

    @Test("Mutual TLS on without a trusted CA: tls_client_auth could never succeed, so only self_signed_tls_client_auth is added")
    func enabledWithoutCA() async throws {
        let d = try await document { $0.mutualTLS = MutualTLSConfiguration(enabled: true) }
        #expect(methods(d) == ["private_key_jwt", "self_signed_tls_client_auth"])
        #expect(d["tls_client_certificate_bound_access_tokens"] == true)
    }
}
