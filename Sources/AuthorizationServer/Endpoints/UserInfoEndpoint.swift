import Foundation
import Hummingbird
import OAuthCore

/// OpenID Connect UserInfo endpoint (OIDC Core §5.3), a protected resource of the authorization server.
///
/// Steps: authenticate the sender-constrained access token (`AuthenticateAccessToken`: RFC 6750 §2.1, RFC 9449 §7,
/// RFC 8705 §3) → require the `openid` scope and a customer (OIDC Core §5.3.1; RFC 6750 §3.1 `insufficient_scope`,
/// 403) → the claims of the granted scopes (§5.4), as JSON with `Cache-Control: no-store`.
///
/// GET and POST are both served (§5.3.1: "MUST support the use of the HTTP GET and HTTP POST methods"); the token is
/// read from the `Authorization` header only, never from a form body or the query (FAPI 2.0 SP §5.3.4-2; RFC 9449 §7.1).
struct UserInfoEndpoint: Sendable {
    let server: OAuthServer

    func handle(_ request: Request, context: KuraRequestContext) async throws -> Response {
        let authenticate = AuthenticateAccessToken(server: server)
        let token = try await authenticate(request, context: context, url: server.configuration.url(OAuthServer.Path.userinfo))
        // A client_credentials token has no customer and can never carry `openid` (ClientCredentialsGrant refuses it).
        guard token.scope.contains("openid"), let userID = token.userID else { throw authenticate.insufficientScope("openid", token: token) }
        guard let user = try await server.stores.users.find(id: userID) else {
            throw authenticate.failure(.invalidToken, "The customer of this access token no longer exists", scheme: token.scheme)
        }
        // §5.3.2: `sub` is always returned and equals the ID token's; §5.4: `profile` releases the name.
        var claims: [String: JSONValue] = ["sub": .string(user.id)]
        if token.scope.contains("profile") { claims["name"] = .string(user.displayName) }
        return Responses.json(.object(claims))
    }
}
