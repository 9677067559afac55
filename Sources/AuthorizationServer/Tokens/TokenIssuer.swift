import Foundation
import OAuthCore
import OAuthJOSE

/// Mints access tokens (JWT, RFC 9068), refresh tokens (opaque, RFC 6749 §1.5) and ID tokens (OIDC Core §2), and
/// records access and refresh tokens by hash so they can be revoked and introspected (RFC 7009, RFC 7662).
struct TokenIssuer: Sendable {
    let server: OAuthServer

    struct AccessToken: Sendable {
        let token: String
        let expiresIn: Int
    }

    /// An RFC 9068 access token (`typ: at+jwt`) bound to the sender (`cnf`, RFC 9449 §6.1 / RFC 8705 §3.1).
    func accessToken(clientID: String, userID: String?, grantID: String?, scope: [String], authorizationDetails: JSONValue?,
                     confirmation: [String: String], authTime: Date?, acr: String?) async throws -> AccessToken {
        let c = server.configuration
        let now = server.clock.now()
        let lifetime = c.lifetimes.accessToken
        let jti = server.random.token()
        var claims: [String: JSONValue] = [
            "iss": .string(c.issuer), "aud": .string(c.issuer), "sub": .string(userID ?? clientID), "client_id": .string(clientID),
            "iat": .int(now.epochSeconds), "exp": .int(now.epochSeconds + Int64(lifetime)), "jti": .string(jti),
            "cnf": .object(confirmation.mapValues(JSONValue.string)),
        ]
        if !scope.isEmpty { claims["scope"] = .string(Scope.format(scope)) }  // RFC 9068 §2.2.3: scope when there is one
        if let authTime { claims["auth_time"] = .int(authTime.epochSeconds) }
        if let acr { claims["acr"] = .string(acr) }
        if let authorizationDetails { claims["authorization_details"] = authorizationDetails }
        let token = try JWT.sign(claims: claims, typ: "at+jwt", key: try await server.keys.signingKey())
        try await server.stores.tokens.insert(TokenRecord(
            tokenHash: CredentialHash.of(token), kind: .accessToken, tokenID: jti, clientID: clientID, userID: userID, grantID: grantID,
            scope: scope, authorizationDetails: authorizationDetails, confirmation: confirmation, issuedAt: now,
            expiresAt: now.addingTimeInterval(lifetime), authTime: authTime, acr: acr))
        return AccessToken(token: token, expiresIn: Int(lifetime))
    }

    /// An opaque refresh token: 256 random bits (FAPI 2.0 SP §5.4.1-4 asks for 128), stored only as its hash and
    /// bound to the client and the grant (RFC 6749 §6: "the refresh token is bound to the client").
    ///
    /// - Parameter confirmation: empty for DPoP (RFC 9449 §5: refresh tokens of confidential clients are not bound to
    ///   the proof key); `x5t#S256` for a certificate-bound grant (RFC 8705 §3), see `refreshConfirmation(for:)`.
    func refreshToken(clientID: String, userID: String?, grantID: String, scope: [String], authorizationDetails: JSONValue?,
                      confirmation: [String: String], authTime: Date?, acr: String?, expiresAt: Date) async throws -> String {
        let now = server.clock.now()
        let token = server.random.token()
        let hash = CredentialHash.of(token)
        try await server.stores.tokens.insert(TokenRecord(
            tokenHash: hash, kind: .refreshToken, tokenID: hash, clientID: clientID, userID: userID, grantID: grantID, scope: scope,
            authorizationDetails: authorizationDetails, confirmation: confirmation, issuedAt: now, expiresAt: expiresAt,
            authTime: authTime, acr: acr))
        return token
    }

    /// The refresh token issued with the tokens of an authorization code: the code's grant, scope and authentication,
    /// living `Lifetimes.refreshToken` from now (the grant was created at most a code lifetime ago).
    func refreshToken(for code: AuthorizationCodeRecord, sender: SenderBinding) async throws -> String {
        try await refreshToken(
            clientID: code.clientID, userID: code.userID, grantID: code.grantID, scope: code.request.scope,
            authorizationDetails: code.request.authorizationDetails, confirmation: Self.refreshConfirmation(for: sender),
            authTime: code.authTime, acr: code.acr,
            expiresAt: server.clock.now().addingTimeInterval(server.configuration.lifetimes.refreshToken))
    }

    /// What a refresh token is bound to besides its client: the TLS client certificate for an mTLS-bound grant
    /// (RFC 8705 §3), nothing for DPoP (RFC 9449 §5: not bound to the proof key; each refresh proves a key anew).
    static func refreshConfirmation(for sender: SenderBinding) -> [String: String] {
        switch sender {
        case .dpop: [:]
        case .mutualTLS: sender.confirmation
        }
    }

    /// An ID token (OIDC Core §2, §3.1.3.6): `nonce` echoed unchanged, `auth_time`, `acr`, `amr` state how the
    /// customer authenticated. Signed with a FAPI algorithm and carrying `kid` (FAPI 2.0 SP §5.4.1).
    func idToken(clientID: String, userID: String, nonce: String?, authTime: Date, acr: String, amr: [String]) async throws -> String {
        let c = server.configuration
        let now = server.clock.now()
        var claims: [String: JSONValue] = [
            "iss": .string(c.issuer), "sub": .string(userID), "aud": .string(clientID), "azp": .string(clientID),
            "iat": .int(now.epochSeconds), "exp": .int(now.epochSeconds + Int64(c.lifetimes.idToken)),
            "auth_time": .int(authTime.epochSeconds), "acr": .string(acr), "amr": .array(amr.map(JSONValue.string)),
        ]
        if let nonce { claims["nonce"] = .string(nonce) }
        return try JWT.sign(claims: claims, typ: "JWT", key: try await server.keys.signingKey())
    }
}
