import AuthorizationServer
import Crypto
import Foundation
import KuraClient
import KuraServer
import NIOSSL
import OAuthCore
import OAuthJOSE
import Testing
import X509
import _CryptoExtras

/// RFC 8705 fixtures: a development PKI whose CA is Kura's `tls_client_auth` trust anchor, client registration
/// through the real metadata validator, client certificates, and KuraClient set-ups presenting them.
struct MutualTLSFixture: Sendable {
    let pki: DevelopmentPKI

    init() throws { pki = try DevelopmentPKI.generate() }

    /// Mutual TLS on, this PKI's CA trusted for `tls_client_auth`.
    var configuration: MutualTLSConfiguration {
        get throws { MutualTLSConfiguration(enabled: true, trustedCertificateAuthorities: [try pki.caCertificate]) }
    }

    /// Runs a live HTTPS server (served by this PKI) with mutual TLS enabled; `configure` adjusts further.
    func run(configure: @escaping @Sendable (inout MutualTLSConfiguration) -> Void = { _ in },
             _ body: @Sendable (LiveServer) async throws -> Void) async throws {
        let mutualTLS = try configuration
        try await LiveServer.run(pki: pki, configure: { server in
            server.mutualTLS = mutualTLS
            configure(&server.mutualTLS)
        }, body)
    }

    /// A client certificate from this PKI's CA (`tls_client_auth`).
    func issue(cn: String, sans: [GeneralName] = [], extendedKeyUsage: [ExtendedKeyUsage.Usage] = [.clientAuth],
               validity: Range<Date>? = nil) throws -> DevelopmentClientCertificate {
        try pki.issueClientCertificate(subject: try DistinguishedName { OrganizationName("Partner Org"); CommonName(cn) },
                                       alternativeNames: sans, extendedKeyUsage: extendedKeyUsage, validity: validity)
    }

    /// The subject DN `issue(cn:)` writes, in RFC 4514 form.
    static func subjectDN(cn: String) -> String { "CN=\(cn),O=Partner Org" }

    /// Registers a `tls_client_auth` client with one subject member (RFC 8705 §2.1.2).
    static func registerTLSClient(_ server: OAuthServer, id: String, subject: [String: JSONValue],
                                  extra: [String: JSONValue] = [:]) async throws {
        var metadata: [String: JSONValue] = ["token_endpoint_auth_method": "tls_client_auth"]
        metadata.merge(subject) { _, new in new }
        metadata.merge(extra) { _, new in new }
        try await register(server, id: id, metadata)
    }

    /// Registers a `self_signed_tls_client_auth` client with `jwks` (RFC 8705 §2.2.2).
    static func registerSelfSignedClient(_ server: OAuthServer, id: String, jwks: [String: JSONValue],
                                         extra: [String: JSONValue] = [:]) async throws {
        var metadata: [String: JSONValue] = ["token_endpoint_auth_method": "self_signed_tls_client_auth", "jwks": .object(jwks)]
        metadata.merge(extra) { _, new in new }
        try await register(server, id: id, metadata)
    }

    static func register(_ server: OAuthServer, id: String, _ metadata: [String: JSONValue]) async throws {
        var full: [String: JSONValue] = [
            "client_name": .string(id), "redirect_uris": [.string(TestServer.redirectURI)],
            "grant_types": ["authorization_code", "refresh_token"],
        ]
        full.merge(metadata) { _, new in new }
        let validated = try ClientMetadataValidator(acceptedAlgorithms: server.configuration.acceptedAlgorithms,
                                                    supportedScopes: Set(server.configuration.scopesSupported)).validate(full)
        let now = server.clock.now()
        try await server.stores.clients.insert(ClientRecord(clientID: id, metadata: validated, createdAt: now, updatedAt: now))
    }

    /// A `ClientRecord`-backed `Client` straight from metadata (for tests without a store).
    static func client(id: String = "c", _ metadata: [String: JSONValue]) throws -> Client {
        var full: [String: JSONValue] = ["redirect_uris": [.string(TestServer.redirectURI)]]
        full.merge(metadata) { _, new in new }
        return try Client(record: ClientRecord(clientID: id, metadata: full, createdAt: Date(), updatedAt: Date()))
    }

    /// The certificate and key as KuraClient presents them.
    static func tlsIdentity(_ certificate: DevelopmentClientCertificate) throws -> ClientTLSConfiguration.ClientCertificate {
        ClientTLSConfiguration.ClientCertificate(
            chain: [try NIOSSLCertificate(bytes: Array(certificate.certificatePEM.utf8), format: .pem)],
            privateKey: try NIOSSLPrivateKey(bytes: Array(certificate.privateKeyPEM.utf8), format: .pem))
    }

    /// A KuraClient for `clientID` against `live`, presenting `certificate` (if any); it authenticates with
    /// private_key_jwt when `signingKey` is given, else by mutual TLS.
    static func kuraClient(_ live: LiveServer, clientID: String, certificate: DevelopmentClientCertificate?,
                           signingKey: JWSSigningKey? = nil, dpopKey: JWSSigningKey? = nil,
                           scopes: [String] = ["openid", "accounts"]) throws -> KuraClient {
        var configuration = ClientConfiguration(
            issuer: URL(string: live.issuer)!, clientID: clientID, authentication: .mutualTLS,
            redirectURI: URL(string: TestServer.redirectURI)!, scopes: scopes, dpopKey: dpopKey,
            tls: ClientTLSConfiguration(trustRoots: .pemFile(live.caFile), clientCertificate: try certificate.map(tlsIdentity)))
        if let signingKey { configuration.authentication = .privateKeyJWT(signingKey) }
        return try KuraClient(configuration: configuration)
    }

    /// A raw HTTPS transport trusting `live`'s CA, optionally presenting `certificate`.
    static func transport(_ live: LiveServer, certificate: DevelopmentClientCertificate? = nil) throws -> AsyncHTTPClientTransport {
        try AsyncHTTPClientTransport(tls: ClientTLSConfiguration(trustRoots: .pemFile(live.caFile),
                                                                 clientCertificate: try certificate.map(tlsIdentity)))
    }

    /// The private key behind a JWS key, for a certificate of that key.
    static func privateKey(of key: JWSSigningKey) throws -> Certificate.PrivateKey {
        let pem = try #require(key.pemPrivateKey)
        switch key.alg {
        case .es256: return .init(try P256.Signing.PrivateKey(pemRepresentation: pem))
        case .ps256: return .init(try _RSA.Signing.PrivateKey(pemRepresentation: pem))
        case .edDSA: return .init(try Curve25519.Signing.PrivateKey(pemRepresentation: pem))
        }
    }

    /// A self-signed client certificate for `key` (`self_signed_tls_client_auth`: the client registers `key`'s JWK).
    static func selfSigned(for key: JWSSigningKey, cn: String = "self-signed") throws -> DevelopmentClientCertificate {
        try DevelopmentPKI.selfSignedClientCertificate(subject: try DistinguishedName { CommonName(cn) }, key: try privateKey(of: key))
    }

    /// A PAR with only `client_id` as client authentication, sent over a raw transport presenting `certificate`.
    static func pushRaw(_ live: LiveServer, clientID: String, certificate: DevelopmentClientCertificate?,
                        headers: HTTPHeaderFields = [:]) async throws -> HTTPResponseMessage {
        let transport = try transport(live, certificate: certificate)
        let form = [("response_type", "code"), ("client_id", clientID), ("redirect_uri", TestServer.redirectURI),
                    ("scope", "openid"), ("state", "s-1"), ("code_challenge", PKCE.challenge(for: TestServer.verifier)),
                    ("code_challenge_method", "S256")]
        let response = try await transport.send(.form(URL(string: live.issuer + OAuthServer.Path.par)!, form, headers: headers))
        try await transport.shutdown()
        return response
    }

    /// The DER of a parsed certificate.
    static func der(_ certificate: Certificate) throws -> [UInt8] {
        try certificate.serializeAsPEM().derBytes
    }

    /// base64url(SHA-256(DER)): the `x5t#S256` a token bound to `certificate` must carry (RFC 8705 §3.1).
    static func thumbprint(_ certificate: DevelopmentClientCertificate) throws -> String {
        Base64URL.encode(SHA256.hash(data: try certificate.certificateDER))
    }
}

extension KuraClientError {
    /// The OAuth error code of a `.server` error, for assertions.
    var oauthCode: String? {
        if case .server(let response) = self { return response.error }
        return nil
    }
}
