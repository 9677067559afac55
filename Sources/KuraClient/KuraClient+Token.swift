import Foundation
import OAuthCore
import OAuthJOSE

extension KuraClient {
    /// Checks the authorization response and exchanges its code for tokens (RFC 6749 §4.1.3; RFC 7636 §4.5;
    /// RFC 9449 §5).
    ///
    /// Before anything is sent: a JARM response is verified and decoded (`verifiedAuthorizationResponse`), then `iss`
    /// must be the issuer (RFC 9207 §2.4), `state` the one pushed (RFC 6749 §4.1.2),
    /// and an `error` is thrown as `authorizationFailed`. An ID token in the response is validated
    /// (OIDC Core §3.1.3.7) against the pushed `nonce`.
    public func exchangeCode(_ response: AuthorizationResponse, for pushed: PushedAuthorization) async throws -> TokenResponse {
        let code = try await verifiedAuthorizationResponse(response).authorizationCode(
            issuer: configuration.issuerIdentifier, state: pushed.state)
        return try await exchangeCode(code, for: pushed)
    }

    /// Exchanges `code` (already checked by the caller) for tokens with the pushed request's PKCE verifier and
    /// redirect URI (RFC 6749 §4.1.3, RFC 7636 §4.5).
    public func exchangeCode(_ code: String, for pushed: PushedAuthorization) async throws -> TokenResponse {
        let tokens = try await requestToken([
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", pushed.redirectURI.absoluteString),
            ("code_verifier", pushed.codeVerifier),
        ])
        if let idToken = tokens.idToken { _ = try await verifyIDToken(idToken, nonce: pushed.nonce) }
        return tokens
    }

    /// Refreshes tokens (RFC 6749 §6) with a new DPoP proof, to which the new access token is bound (RFC 9449 §5).
    public func refresh(_ refreshToken: String, scope: [String]? = nil) async throws -> TokenResponse {
        var parameters = [("grant_type", "refresh_token"), ("refresh_token", refreshToken)]
        if let scope { parameters.append(("scope", scope.joined(separator: " "))) }
        return try await requestToken(parameters)
    }

    /// The client credentials grant (RFC 6749 §4.4), sender-constrained like every other token.
    public func clientCredentials(scope: [String]) async throws -> TokenResponse {
        try await requestToken([("grant_type", "client_credentials"), ("scope", scope.joined(separator: " "))])
    }

    /// Validates an ID token (OIDC Core §3.1.3.7) against the AS keys and returns its claims.
    ///
    /// The key is chosen by the header `kid`; an unknown `kid` re-fetches `jwks_uri` once (key rotation,
    /// OIDC Core §10.1.1). Only PS256, ES256 and EdDSA are accepted (FAPI 2.0 SP §5.4.1-1).
    /// - Parameter nonce: the nonce sent in the authorization request; the claim must equal it.
    public func verifyIDToken(_ idToken: String, nonce: String?) async throws -> [String: JSONValue] {
        let metadata = try await serverMetadata()
        let keys = try await keys(for: idToken)
        let verifier = IDTokenVerifier(
            issuer: metadata.issuer, clientID: configuration.clientID, keys: keys, leeway: configuration.clockSkew,
            clock: clock)
        return try verifier.verify(idToken, nonce: nonce)
    }

    /// Verifies a JWT access token (RFC 9068) against the AS keys and returns its claims, for display and tests.
    public func decodeAccessToken(_ accessToken: String) async throws -> [String: JSONValue] {
        let metadata = try await serverMetadata()
        return try AccessTokenInspector(issuer: metadata.issuer, keys: try await keys(for: accessToken)).claims(of: accessToken)
    }

    /// The AS keys, re-fetched once when `token` names a `kid` the cached set lacks.
    func keys(for token: String) async throws -> JWKSet {
        let keys = try await jwks()
        if let kid = (try? CompactJWS.parse(token))?.kid, keys.keys(withKID: kid).isEmpty {
            return try await jwks(refresh: true)
        }
        return keys
    }

    /// POSTs a token request (RFC 6749 §3.2) with client authentication and a DPoP proof, retrying once with a
    /// server nonce (RFC 9449 §8), and decodes the RFC 6749 §5.1 response or throws the §5.2 error.
    func requestToken(_ parameters: [(String, String)]) async throws -> TokenResponse {
        let metadata = try await serverMetadata()
        let endpoint = metadata.endpoint(named: "token_endpoint", default: metadata.tokenEndpoint, mutualTLS: usesClientCertificate)
        let response = try await sendWithDPoP(method: "POST", url: endpoint) {
            .form(endpoint, parameters + (try clientAuthenticationParameters()))
        }
        guard response.status == 200 else { throw Self.failure(response) }
        let tokens: TokenResponse
        do { tokens = try JSONDecoder().decode(TokenResponse.self, from: response.body) } catch {
            throw KuraClientError.unexpectedResponse(status: 200, body: "token response: \(error)")
        }
        // RFC 9449 §5: a DPoP-bound token comes back as token_type DPoP; a Bearer token here would not be
        // sender-constrained, which FAPI 2.0 SP §5.3.2.1-4 forbids.
        if dpop != nil, !tokens.isDPoPBound {
            throw KuraClientError.unexpectedResponse(status: 200, body: "token_type \(tokens.tokenType) where DPoP was expected")
        }
        return tokens
    }
}
