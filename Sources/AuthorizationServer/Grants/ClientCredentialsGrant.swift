import Foundation
import OAuthCore

/// The `client_credentials` grant (RFC 6749 §4.4; FAPI 2.0 SP §5.3.2.1-4, -6 and Note 2: the same client
/// authentication and sender-constrained tokens as every other grant).
///
/// The client acts on its own behalf: the access token's `sub` is the client, it belongs to no grant, and no refresh
/// token is issued (RFC 6749 §4.4.3: "A refresh token SHOULD NOT be included").
struct ClientCredentialsGrant: Sendable {
    let server: OAuthServer

    /// Scopes about an end-user (OIDC Core §3.1.2.1, §5.4, §11), which mean nothing without one.
    static let endUserScopes: Set<String> = ["openid", "profile", "offline_access"]

    func exchange(_ form: FormParameters, client: AuthenticatedClient, sender: SenderBinding) async throws -> JSONValue {
        let scope = try requestedScope(form, client: client.client)
        let access = try await TokenIssuer(server: server).accessToken(
            clientID: client.client.id, userID: nil, grantID: nil, scope: scope, authorizationDetails: nil,
            confirmation: sender.confirmation, authTime: nil, acr: nil)
        return [
            "access_token": .string(access.token), "token_type": .string(sender.tokenType), "expires_in": .int(Int64(access.expiresIn)),
            "scope": .string(Scope.format(scope)),
        ]
    }

    /// RFC 6749 §4.4.2, §3.3: Kura has no default scope, so `scope` is required ("MUST ... fail the request indicating
    /// an invalid scope"); every value must be supported, allowed for the client, and not about an end-user.
    private func requestedScope(_ form: FormParameters, client: Client) throws(OAuthError) -> [String] {
        guard let raw = form.value("scope") else { throw OAuthError(.invalidScope, "scope is required for the client_credentials grant") }
        guard let scope = Scope.parse(raw), !scope.isEmpty else { throw OAuthError(.invalidScope, "scope is malformed") }
        for s in scope {
            guard server.configuration.scopesSupported.contains(s) else { throw OAuthError(.invalidScope, "Unsupported scope '\(s.prefix(64))'") }
            guard client.allowedScopes?.contains(s) ?? true else {
                throw OAuthError(.invalidScope, "Scope '\(s.prefix(64))' is not allowed for this client")
            }
            guard !Self.endUserScopes.contains(s) else {
                throw OAuthError(.invalidScope, "Scope '\(s)' needs an end-user and cannot be used with client_credentials")
            }
        }
        return scope
    }
}
