import Foundation
import OAuthCore
import OAuthJOSE

/// A client whose authentication succeeded at this request.
public struct AuthenticatedClient: Sendable {
    public let client: Client
    public let method: ClientAuthenticationMethod
    /// The client assertion's `jti`, when its single use is still to be recorded (`deferAssertionReplayCheck`).
    let pendingAssertion: (id: String, expiresAt: Date)?

    init(client: Client, method: ClientAuthenticationMethod, pendingAssertion: (id: String, expiresAt: Date)? = nil) {
        self.client = client
        self.method = method
        self.pendingAssertion = pendingAssertion
    }

    /// The deferred assertion `jti` as a replay-cache entry (RFC 7523 §3), if any.
    var assertionReplayEntry: ReplayEntry? {
        pendingAssertion.map { ReplayEntry(namespace: "client_assertion:\(client.id)", id: $0.id, expiresAt: $0.expiresAt) }
    }

    /// Records the deferred assertion `jti` and, in the same transaction, any `others` (a DPoP proof's `jti`):
    /// a second use of either fails here, and nothing is recorded unless all are new.
    func recordSingleUse(in replay: any ReplayCache, with others: [ReplayEntry] = []) async throws {
        let entries = (assertionReplayEntry.map { [$0] } ?? []) + others
        guard !entries.isEmpty, let seen = try await replay.recordFirstUse(entries) else { return }
        if seen == assertionReplayEntry { throw OAuthError.invalidClient("The client assertion was already used (jti replay)") }
        throw OAuthError.invalidDPoPProof("The DPoP proof was already used (jti replay)")
    }

    /// `recordSingleUse` for the assertion alone.
    func recordAssertionUse(in replay: any ReplayCache) async throws {
        try await recordSingleUse(in: replay)
    }
}

/// Authenticates the client of a back-channel request: PAR, token, revocation, introspection
/// (FAPI 2.0 SP §5.3.2.1-6: MTLS per RFC 8705 §2 or `private_key_jwt`; RFC 9126 §2: the token endpoint's rules apply
/// at PAR too). One method per request (RFC 6749 §2.3), the one the client registered.
///
/// - `private_key_jwt` (OIDC Core §9, RFC 7523 §2.2/§3): the assertion is verified with a key the client
///   registered, `aud` must be the issuer as a string (SP §5.3.2.1-8) and its `jti` is single-use.
/// - `tls_client_auth` / `self_signed_tls_client_auth` (RFC 8705 §2): the request names the client with `client_id`
///   and the TLS client certificate must be that client's (`TLSClientAuthentication`).
struct AuthenticateClient: Sendable {
    static let jwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    let server: OAuthServer

    /// - Parameter certificate: the request's client certificate (`KuraRequestContext.clientCertificate`); without
    ///   it mutual-TLS clients cannot authenticate.
    /// - Parameter deferAssertionReplayCheck: verify the assertion but leave recording its `jti` to the caller
    ///   (`AuthenticatedClient.recordAssertionUse`), so a request refused for a missing DPoP server nonce (RFC 9449 §8)
    ///   can be retried with the same assertion: nothing is persisted by that refusal.
    func callAsFunction(_ form: FormParameters, certificate: ClientCertificate? = nil,
                        deferAssertionReplayCheck: Bool = false) async throws -> AuthenticatedClient {
        if form.value("client_secret") != nil {
            throw OAuthError.invalidClient("client_secret authentication is not allowed (FAPI 2.0 SP 5.3.2.1-6)")
        }
        guard let assertion = form.value("client_assertion") else {
            if form.value("client_assertion_type") != nil { throw OAuthError.invalidClient("client_assertion is missing") }
            return try await authenticateByCertificate(form, certificate: certificate)
        }
        guard form.value("client_assertion_type") == Self.jwtBearer else {
            throw OAuthError.invalidClient("client_assertion_type must be \(Self.jwtBearer)")
        }
        let parsed: CompactJWS
        do { parsed = try CompactJWS.parse(assertion) } catch { throw OAuthError.invalidClient("client_assertion is not a valid JWT") }
        let clientID = try claimedClientID(parsed, form: form)
        guard let client = try await server.clients.client(id: clientID) else {
            throw OAuthError.invalidClient("Unknown client")
        }
        guard client.authenticationMethod == .privateKeyJWT else {
            throw OAuthError.invalidClient("This client is registered for \(client.authenticationMethod.rawValue)")
        }
        let verifier = ClientAssertionVerifier(issuer: server.configuration.issuer, allowedAlgorithms: server.configuration.acceptedAlgorithms)
        let keys = try await server.clientKeys.keys(for: client, kid: parsed.kid)
        let verified = try verifier.verify(parsed, clientID: client.id, keys: keys, now: server.clock.now())
        let authenticated = AuthenticatedClient(client: client, method: .privateKeyJWT,
                                                pendingAssertion: (verified.jti, verified.expiresAt.addingTimeInterval(60)))
        if deferAssertionReplayCheck { return authenticated }
        try await authenticated.recordAssertionUse(in: server.stores.replay)
        return AuthenticatedClient(client: client, method: .privateKeyJWT)
    }

    /// RFC 8705 §2: "the client MUST include the client_id parameter"; the certificate must then match what that
    /// client registered. A `private_key_jwt` client that sent no assertion ends here too.
    private func authenticateByCertificate(_ form: FormParameters, certificate: ClientCertificate?) async throws -> AuthenticatedClient {
        guard let clientID = form.value("client_id") else {
            throw OAuthError.invalidClient("Client authentication is required: private_key_jwt or a TLS client certificate with client_id")
        }
        guard let client = try await server.clients.client(id: clientID) else {
            throw OAuthError.invalidClient("Unknown client")
        }
        guard client.authenticationMethod != .privateKeyJWT else {
            throw OAuthError.invalidClient("Client authentication is required: this client uses private_key_jwt")
        }
        return try await TLSClientAuthentication(configuration: server.configuration.mutualTLS).authenticate(
            client, certificate: certificate, keys: { try await server.clientKeys.keys(for: client, kid: nil) }, at: server.clock.now())
    }

    /// The client the request claims to be: `client_id` if sent, which must then equal the assertion's `sub`
    /// (RFC 7521 §4.2 via `iss`/`sub`). The signature is checked later against that client's keys only.
    private func claimedClientID(_ assertion: CompactJWS, form: FormParameters) throws(OAuthError) -> String {
        let claims: [String: JSONValue]
        do { claims = try assertion.payloadObject() } catch {
            throw OAuthError.invalidClient("client_assertion is not a valid JWT")
        }
        guard let sub = claims["sub"]?.stringValue, !sub.isEmpty else {
            throw OAuthError.invalidClient("client_assertion has no sub claim")
        }
        if let clientID = form.value("client_id"), clientID != sub {
            throw OAuthError.invalidClient("client_id does not match the client assertion")
        }
        return sub
    }
}
