import Foundation
import OAuthCore

/// The `refresh_token` grant (RFC 6749 §6; RFC 9449 §5; RFC 8705 §3; FAPI 2.0 SP §5.3.2.1-4, §5.3.2.1-9 and Note 1).
///
/// The refresh token is bound to its client (client authentication happened at the endpoint) and its grant; the new
/// access token is bound to the sender of this request, i.e. to a DPoP key proven now (RFC 9449 §5: refresh tokens of
/// confidential clients are not bound to the proof key) or to the TLS client certificate. A certificate-bound grant's
/// refresh token is usable only with that certificate (RFC 8705 §3).
///
/// Rotation is off by default (SP §5.3.2.1-9). With `Features.rotateRefreshTokens`, every refresh returns a new
/// refresh token, and the presented one keeps working for `Lifetimes.refreshTokenRotationGrace` so a client that lost
/// the response can retry (SP Note 1).
struct RefreshTokenGrant: Sendable {
    let server: OAuthServer

    /// - Parameter certificateThumbprint: `x5t#S256` of the TLS client certificate of this request, if any.
    func exchange(_ form: FormParameters, client: AuthenticatedClient, sender: SenderBinding,
                  certificateThumbprint: String?) async throws -> JSONValue {
        let now = server.clock.now()
        let presented = try form.required("refresh_token")
        let record = try await loadRefreshToken(presented, client: client.client, now: now)
        try checkCertificateBinding(record, certificateThumbprint: certificateThumbprint)
        let grant = try await loadGrant(record, now: now)
        let scope = try requestedScope(form, granted: record.scope)

        // Everything is checked; from here on tokens are written.
        let issuer = TokenIssuer(server: server)
        let access = try await issuer.accessToken(
            clientID: record.clientID, userID: record.userID, grantID: grant.id, scope: scope,
            authorizationDetails: record.authorizationDetails, confirmation: sender.confirmation, authTime: record.authTime, acr: record.acr)
        var rotated: String?
        if server.configuration.features.rotateRefreshTokens {
            rotated = try await rotate(record, grant: grant, issuer: issuer, now: now)
        }
        try await checkStillLive(record, grantID: grant.id, now: now)

        var response: [String: JSONValue] = [
            "access_token": .string(access.token), "token_type": .string(sender.tokenType), "expires_in": .int(Int64(access.expiresIn)),
        ]
        // RFC 6749 §5.1: the granted scope; a grant of authorization details alone (RFC 9396 §7) has none to state.
        if !scope.isEmpty { response["scope"] = .string(Scope.format(scope)) }
        if let details = record.authorizationDetails { response["authorization_details"] = details }
        // RFC 6749 §6: "The authorization server MAY issue a new refresh token"; without rotation the client keeps its own.
        if let rotated { response["refresh_token"] = .string(rotated) }
        return .object(response)
    }

    // MARK: - Steps

    /// Finds the refresh token by hash and checks kind, client, revocation and expiry. Every failure is `invalid_grant`
    /// (RFC 6749 §5.2: "invalid, expired, revoked, ... or was issued to another client").
    private func loadRefreshToken(_ token: String, client: Client, now: Date) async throws -> TokenRecord {
        guard let record = try await server.stores.tokens.find(tokenHash: CredentialHash.of(token)), record.kind == .refreshToken else {
            throw OAuthError.invalidGrant("The refresh token is not valid")
        }
        guard record.clientID == client.id else {
            throw OAuthError.invalidGrant("The refresh token is not valid", detail: "refresh token of client \(record.clientID)")
        }
        guard record.revokedAt == nil else { throw OAuthError.invalidGrant("The refresh token has been revoked") }
        guard record.expiresAt > now else { throw OAuthError.invalidGrant("The refresh token has expired") }
        return record
    }

    /// RFC 8705 §3: a refresh token of a certificate-bound grant is used only over a connection with that certificate.
    private func checkCertificateBinding(_ record: TokenRecord, certificateThumbprint: String?) throws(OAuthError) {
        guard let bound = record.confirmation["x5t#S256"] else { return }
        guard let certificateThumbprint, ConstantTime.equals(bound, certificateThumbprint) else {
            throw .invalidGrant("The refresh token is bound to a TLS client certificate that this request does not present")
        }
    }

    /// The grant the token hangs off must still stand: a revoked grant (code replay, customer withdrawal) or an expired
    /// one refreshes nothing.
    private func loadGrant(_ record: TokenRecord, now: Date) async throws -> GrantRecord {
        guard let grantID = record.grantID, let grant = try await server.stores.grants.find(id: grantID),
              grant.clientID == record.clientID
        else { throw OAuthError.invalidGrant("The grant of this refresh token no longer exists") }
        guard grant.revokedAt == nil else { throw OAuthError.invalidGrant("The grant of this refresh token has been revoked") }
        if let expiresAt = grant.expiresAt, expiresAt <= now { throw OAuthError.invalidGrant("The grant of this refresh token has expired") }
        return grant
    }

    /// RFC 6749 §6: `scope` is optional; if sent it "MUST NOT include any scope not originally granted by the resource
    /// owner", and if omitted it is "treated as equal to the scope originally granted".
    private func requestedScope(_ form: FormParameters, granted: [String]) throws(OAuthError) -> [String] {
        guard let raw = form.value("scope") else { return granted }
        guard let requested = Scope.parse(raw), !requested.isEmpty else { throw OAuthError(.invalidScope, "scope is malformed") }
        if let extra = requested.first(where: { !granted.contains($0) }) {
            throw OAuthError(.invalidScope, "Scope '\(extra.prefix(64))' was not granted to this refresh token")
        }
        return requested
    }

    /// Issues the successor and moves the presented token's expiry to the end of the grace period (never later than it
    /// was). The successor has the same scope (RFC 6749 §6: "MUST be identical"), binding and authentication, and lives
    /// `Lifetimes.refreshToken` from the consent, so rotating never extends a grant's refreshable life.
    private func rotate(_ record: TokenRecord, grant: GrantRecord, issuer: TokenIssuer, now: Date) async throws -> String {
        let lifetimes = server.configuration.lifetimes
        var expiresAt = grant.createdAt.addingTimeInterval(lifetimes.refreshToken)
        if let grantExpiry = grant.expiresAt { expiresAt = min(expiresAt, grantExpiry) }
        let successor = try await issuer.refreshToken(
            clientID: record.clientID, userID: record.userID, grantID: grant.id, scope: record.scope,
            authorizationDetails: record.authorizationDetails, confirmation: record.confirmation, authTime: record.authTime,
            acr: record.acr, expiresAt: expiresAt)
        _ = try await server.stores.tokens.shortenLifetime(
            tokenHash: record.tokenHash, expiresAt: now.addingTimeInterval(lifetimes.refreshTokenRotationGrace))
        return successor
    }

    /// A revocation racing with this request (RFC 7009 revokes the refresh token, then the grant's tokens; a code replay
    /// revokes the grant, then its tokens) may have run before our tokens were stored. Checking after storing them can
    /// never miss it: whatever revokes later covers our tokens too.
    private func checkStillLive(_ record: TokenRecord, grantID: String, now: Date) async throws {
        let token = try await server.stores.tokens.find(tokenHash: record.tokenHash)
        let grant = try await server.stores.grants.find(id: grantID)
        guard token?.revokedAt == nil, grant?.revokedAt == nil else {
            _ = try await server.stores.tokens.revokeAll(grantID: grantID, now: now)
            throw OAuthError.invalidGrant("The refresh token has been revoked", detail: "revoked during the refresh")
        }
    }
}
