import Foundation
import OAuthCore
import OAuthJOSE

/// The `authorization_code` grant (RFC 6749 §4.1.3–4.1.4; RFC 7636 §4.5–4.6; RFC 9449 §5, §10;
/// FAPI 2.0 SP §5.3.2.1-4/-5/-11/-12, §5.3.2.2-9).
struct AuthorizationCodeGrant: Sendable {
    let server: OAuthServer

    func exchange(_ form: FormParameters, client: AuthenticatedClient, sender: SenderBinding) async throws -> JSONValue {
        let code = try form.required("code")
        let now = server.clock.now()
        let record: AuthorizationCodeRecord
        switch try await server.stores.codes.consume(codeHash: CredentialHash.of(code), clientID: client.client.id, now: now) {
        case .consumed(let r): record = r
        case .alreadyConsumed(let r):
            // RFC 6749 §4.1.2: a reused code revokes the tokens issued from it. The grant first, then its tokens:
            // a redemption racing with this replay checks the grant after storing its token (see `issue`).
            _ = try await server.stores.grants.revoke(id: r.grantID, now: now)
            _ = try await server.stores.tokens.revokeAll(grantID: r.grantID, now: now)
            throw OAuthError.invalidGrant("The authorization code was already used", detail: "code replay; grant \(r.grantID) revoked")
        case .expired: throw OAuthError.invalidGrant("The authorization code has expired")
        case .notFound: throw OAuthError.invalidGrant("The authorization code is not valid")
        }
        guard record.clientID == client.client.id else { throw OAuthError.invalidGrant("The authorization code was issued to another client") }
        if let redirectURI = form.value("redirect_uri"), redirectURI != record.request.redirectURI {
            throw OAuthError.invalidGrant("redirect_uri does not match the authorization request")
        }
        // RFC 7636 §4.6: "If the values are not equal, an error response indicating invalid_grant MUST be returned."
        guard let verifier = form.value("code_verifier"), PKCE.verify(verifier: verifier, challenge: record.request.codeChallenge) else {
            throw OAuthError.invalidGrant("code_verifier is missing or does not match the code_challenge")
        }
        // RFC 9449 §10: a code bound to a DPoP key at PAR is redeemed only with a proof of that key.
        if let bound = record.request.dpopJKT, sender != .dpop(jkt: bound) {
            throw OAuthError.invalidDPoPProof("The DPoP key differs from the key the authorization code is bound to")
        }
        return try await issue(record, client: client, sender: sender, now: now)
    }

    private func issue(_ record: AuthorizationCodeRecord, client: AuthenticatedClient, sender: SenderBinding, now: Date) async throws -> JSONValue {
        let request = record.request
        let issuer = TokenIssuer(server: server)
        let access = try await issuer.accessToken(
            clientID: record.clientID, userID: record.userID, grantID: record.grantID, scope: request.scope,
            authorizationDetails: request.authorizationDetails, confirmation: sender.confirmation, authTime: record.authTime, acr: record.acr)
        // RFC 6749 §1.5, §5.1: a refresh token only for clients registered for the refresh_token grant. Stored before
        // the grant check below, so a racing replay's revocation covers it too.
        let refresh = client.client.grantTypes.contains("refresh_token") ? try await issuer.refreshToken(for: record, sender: sender) : nil
        // A concurrent replay of this code may have revoked the grant while the token was being stored; the replay
        // revokes the grant before its tokens, so checking after storing ours can never miss it.
        guard let grant = try await server.stores.grants.find(id: record.grantID), grant.revokedAt == nil else {
            _ = try await server.stores.tokens.revokeAll(grantID: record.grantID, now: now)
            throw OAuthError.invalidGrant("The authorization code was already used", detail: "grant revoked during redemption")
        }
        var response: [String: JSONValue] = [
            "access_token": .string(access.token), "token_type": .string(sender.tokenType), "expires_in": .int(Int64(access.expiresIn)),
        ]
        // RFC 6749 §5.1: the granted scope; a grant of authorization details alone (RFC 9396 §7) has none to state.
        if !request.scope.isEmpty { response["scope"] = .string(Scope.format(request.scope)) }
        if let details = request.authorizationDetails { response["authorization_details"] = details }
        if let refresh { response["refresh_token"] = .string(refresh) }
        if request.isOpenID && server.configuration.features.openIDConnect {
            response["id_token"] = .string(try await issuer.idToken(
                clientID: record.clientID, userID: record.userID, nonce: request.nonce, authTime: record.authTime,
                acr: record.acr, amr: record.amr))
        }
        return .object(response)
    }
}
