import AuthorizationServer
import Foundation
import KuraClient
import KuraServer
import OAuthCore
import OAuthJOSE
import Testing

/// One combination of the five variant dimensions of the OIDF FAPI 2.0 test plans (`client_auth_type`,
/// `sender_constrain`, `openid`, `fapi_request_method`, `fapi_response_mode`), for the end-to-end variants matrix.
struct Variant: Sendable, Hashable, CustomTestStringConvertible {
    /// `client_auth_type`: FAPI 2.0 SP §5.3.2.1-6.
    enum ClientAuthentication: Sendable, Hashable, CaseIterable { case privateKeyJWT, mutualTLS }
    /// `sender_constrain`: FAPI 2.0 SP §5.3.2.1-4 (RFC 9449 or RFC 8705 §3).
    enum SenderConstraint: Sendable, Hashable, CaseIterable { case dpop, mutualTLS }
    /// `openid`: with the `openid` scope an ID token is issued (OIDC Core §3.1.3.3), without it none.
    enum Profile: Sendable, Hashable, CaseIterable { case openIDConnect, plainOAuth }
    /// `fapi_request_method`: form parameters, or a signed request object at PAR (FAPI 2.0 MS §5.3, RFC 9101).
    enum RequestMethod: Sendable, Hashable, CaseIterable { case unsigned, signed }
    /// `fapi_response_mode`: plain query with `iss` (RFC 9207), or JARM (FAPI 2.0 MS §5.4).
    enum ResponseMode: Sendable, Hashable, CaseIterable { case plain, jarm }

    var clientAuthentication: ClientAuthentication
    var senderConstraint: SenderConstraint
    var profile: Profile
    var requestMethod: RequestMethod
    var responseMode: ResponseMode

    /// All 32 combinations, in the order the dimensions are listed.
    static let all: [Variant] = ClientAuthentication.allCases.flatMap { authentication in
        SenderConstraint.allCases.flatMap { sender in
            Profile.allCases.flatMap { profile in
                RequestMethod.allCases.flatMap { request in
                    ResponseMode.allCases.map { response in
                        Variant(clientAuthentication: authentication, senderConstraint: sender, profile: profile,
                                requestMethod: request, responseMode: response)
                    }
                }
            }
        }
    }

    /// The test plan the variant belongs to: signed requests and JARM are FAPI 2.0 Message Signing, the rest Security Profile.
    var plan: String { requestMethod == .unsigned && responseMode == .plain ? "FAPI2SP" : "FAPI2MS" }

    /// E.g. "FAPI2MS private_key_jwt + DPoP + OpenID Connect, JAR, JARM: full flow".
    var testDescription: String {
        let authentication = clientAuthentication == .privateKeyJWT ? "private_key_jwt" : "tls_client_auth"
        let sender = senderConstraint == .dpop ? "DPoP" : "MTLS-bound"
        let profile = profile == .openIDConnect ? "OpenID Connect" : "plain OAuth"
        let request = requestMethod == .signed ? "JAR" : "unsigned request"
        let response = responseMode == .jarm ? "JARM" : "plain response"
        return "\(plan) \(authentication) + \(sender) + \(profile), \(request), \(response): full flow"
    }

    /// A client_id unique to the variant, e.g. `pkjwt-dpop-oidc-jar-jarm`; also the CN of its certificate.
    var clientID: String {
        [clientAuthentication == .privateKeyJWT ? "pkjwt" : "mtls", senderConstraint == .dpop ? "dpop" : "mtlsbound",
         profile == .openIDConnect ? "oidc" : "oauth", requestMethod == .signed ? "jar" : "form",
         responseMode == .jarm ? "jarm" : "query"].joined(separator: "-")
    }

    var scopes: [String] { profile == .openIDConnect ? ["openid", "accounts"] : ["accounts"] }

    /// Whether the client presents a TLS client certificate: for mTLS authentication, for mTLS binding, or both.
    var presentsCertificate: Bool { clientAuthentication == .mutualTLS || senderConstraint == .mutualTLS }
}

/// A variant's registered client on a live server: the KuraClient, the keys and certificate it holds, and a record of
/// everything it sent.
struct VariantParty: Sendable {
    let variant: Variant
    let client: KuraClient
    let transport: RecordingHTTPTransport
    let signingKey: JWSSigningKey
    let dpopKey: JWSSigningKey?
    let certificate: DevelopmentClientCertificate?

    /// Registers the variant's client on `live` (through the metadata validator `kura clients add` uses) and configures
    /// KuraClient for it; the certificate, when the variant presents one, is issued by `fixture`'s CA.
    ///
    /// Registration: `private_key_jwt` with `jwks`, or `tls_client_auth` with the certificate's subject DN (and `jwks`
    /// only to verify signed requests); `dpop_bound_access_tokens` for DPoP (RFC 9449 §5.2) or
    /// `tls_client_certificate_bound_access_tokens` for MTLS binding (RFC 8705 §3.4);
    /// `require_signed_request_object` with JAR; `authorization_signed_response_alg` with JARM; `grant_types`
    /// authorization_code + refresh_token.
    static func register(_ variant: Variant, on live: LiveServer, fixture: MutualTLSFixture) async throws -> VariantParty {
        let server = live.test.server
        let signingKey = try JWSSigningKey.generate(.es256, kid: "\(variant.clientID)-key")
        var metadata: [String: JSONValue] = [
            "client_name": .string(variant.clientID), "redirect_uris": [.string(TestServer.redirectURI)],
            "grant_types": ["authorization_code", "refresh_token"],
        ]
        let jwks = JSONValue.object(JWKSet(keys: [signingKey.publicJWK]).publicJSON)
        switch variant.clientAuthentication {
        case .privateKeyJWT:
            metadata["token_endpoint_auth_method"] = "private_key_jwt"
            metadata["jwks"] = jwks
        case .mutualTLS:
            metadata["token_endpoint_auth_method"] = "tls_client_auth"
            metadata["tls_client_auth_subject_dn"] = .string(MutualTLSFixture.subjectDN(cn: variant.clientID))
            if variant.requestMethod == .signed { metadata["jwks"] = jwks }
        }
        switch variant.senderConstraint {
        case .dpop: metadata["dpop_bound_access_tokens"] = true
        case .mutualTLS: metadata["tls_client_certificate_bound_access_tokens"] = true
        }
        if variant.requestMethod == .signed {
            metadata["require_signed_request_object"] = true
            metadata["request_object_signing_alg"] = "ES256"
        }
        if variant.responseMode == .jarm {
            metadata["authorization_signed_response_alg"] = .string(server.configuration.signingAlgorithm.rawValue)
        }
        let validated = try ClientMetadataValidator(configuration: server.configuration).validate(metadata)
        let now = server.clock.now()
        try await server.stores.clients.insert(ClientRecord(clientID: variant.clientID, metadata: validated, createdAt: now, updatedAt: now))

        let certificate = variant.presentsCertificate ? try fixture.issue(cn: variant.clientID) : nil
        let dpopKey = variant.senderConstraint == .dpop ? try JWSSigningKey.generate(.es256, kid: "dpop") : nil
        var configuration = ClientConfiguration(
            issuer: URL(string: live.issuer)!, clientID: variant.clientID,
            authentication: variant.clientAuthentication == .privateKeyJWT ? .privateKeyJWT(signingKey) : .mutualTLS,
            redirectURI: URL(string: TestServer.redirectURI)!, scopes: variant.scopes, dpopKey: dpopKey,
            tls: ClientTLSConfiguration(trustRoots: .pemFile(live.caFile), clientCertificate: try certificate.map(MutualTLSFixture.tlsIdentity)))
        configuration.requestObjectSigningKey = variant.requestMethod == .signed ? signingKey : nil
        configuration.responseMode = variant.responseMode == .jarm ? .jwt : nil
        let transport = try RecordingHTTPTransport(tls: configuration.tls)
        return VariantParty(variant: variant, client: try KuraClient(configuration: configuration, transport: transport),
                            transport: transport, signingKey: signingKey, dpopKey: dpopKey, certificate: certificate)
    }

    /// The `cnf` a token of this variant must carry: `jkt` = the DPoP key's RFC 7638 thumbprint (RFC 9449 §6.1), or
    /// `x5t#S256` = base64url(SHA-256(certificate DER)) (RFC 8705 §3.1).
    func expectedConfirmation() throws -> [String: JSONValue] {
        switch variant.senderConstraint {
        case .dpop: ["jkt": .string(try #require(dpopKey).publicJWK.thumbprint())]
        case .mutualTLS: ["x5t#S256": .string(try MutualTLSFixture.thumbprint(try #require(certificate)))]
        }
    }

    /// `DPoP` for DPoP-bound tokens (RFC 9449 §5), `Bearer` for certificate-bound ones (RFC 8705 §3).
    var expectedTokenType: String { variant.senderConstraint == .dpop ? "DPoP" : "Bearer" }

    /// Checks a token response's sender binding: `token_type` and the access token's `cnf` (verified against `jwks_uri`).
    func expectBinding(_ tokens: TokenResponse, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(tokens.tokenType == expectedTokenType, "\(step): token_type", sourceLocation: sourceLocation)
        let claims = try await client.decodeAccessToken(tokens.accessToken)
        let confirmation = try expectedConfirmation()
        #expect(claims["cnf"]?.objectValue == confirmation, "\(step): cnf", sourceLocation: sourceLocation)
        #expect(claims["client_id"]?.stringValue == variant.clientID, "\(step): client_id", sourceLocation: sourceLocation)
    }
}

/// An `AsyncHTTPClientTransport` (real HTTPS, optionally presenting a client certificate) that records every exchange,
/// so tests can check what went over the wire.
final class RecordingHTTPTransport: HTTPTransport, @unchecked Sendable {
    let inner: AsyncHTTPClientTransport
    private let lock = NSLock()
    private var log: [(request: HTTPRequestMessage, response: HTTPResponseMessage)] = []

    init(tls: ClientTLSConfiguration) throws { inner = try AsyncHTTPClientTransport(tls: tls) }

    var exchanges: [(request: HTTPRequestMessage, response: HTTPResponseMessage)] { lock.withLock { log } }

    /// The exchanges with `path`, in order.
    func exchanges(to path: String) -> [(request: HTTPRequestMessage, response: HTTPResponseMessage)] {
        exchanges.filter { $0.request.url.path == path }
    }

    func send(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        let response = try await inner.send(request)
        lock.withLock { log.append((request, response)) }
        return response
    }

    func shutdown() async throws { try await inner.shutdown() }
}
