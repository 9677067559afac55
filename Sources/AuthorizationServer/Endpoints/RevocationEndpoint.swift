import Foundation
import Hummingbird
import OAuthCore

/// OAuth 2.0 token revocation (RFC 7009 §2).
///
/// Steps: parse the form → authenticate the client (RFC 7009 §2.1; FAPI 2.0 SP §5.3.2.1-6, the token endpoint's
/// methods) → `token` required, `token_type_hint` checked → revoke the token if it is the client's own → 200.
///
/// - A refresh token revokes the access tokens of its grant too (§2.1: "SHOULD also invalidate all access tokens based
///   on the same authorization grant"), and any other refresh token of that grant (rotation successors). The grant
///   itself stays: withdrawing consent is Grant Management's job, not RFC 7009's.
/// - An access token revokes only itself (§2.1 leaves its refresh token to the server; the client still holds it).
/// - A token Kura does not know, or one issued to another client, is answered with 200 and nothing changes. §2.2:
///   "invalid tokens do not cause an error response"; answering another client's token the same way means a client
///   cannot learn whether a string it holds is someone else's live token.
struct RevocationEndpoint: Sendable {
    let server: OAuthServer

    /// The `token_type_hint` values registered by RFC 7009 §4.1.2, the only token types Kura issues and revokes.
    static let tokenTypeHints: Set<String> = ["access_token", "refresh_token"]

    func handle(_ request: Request, context: KuraRequestContext) async throws -> Response {
        let form = try await request.formParameters()
        let client = try await AuthenticateClient(server: server)(form, certificate: context.clientCertificate)
        let token = try form.required("token")
        // RFC 7009 §2.2.1 `unsupported_token_type`: a hint naming a type Kura does not issue (e.g. an ID token) asks for
        // a revocation this server does not support.
        if let hint = form.value("token_type_hint"), !Self.tokenTypeHints.contains(hint) {
            throw OAuthError(.unsupportedTokenType, "token_type_hint must be access_token or refresh_token")
        }
        let now = server.clock.now()
        let tokenHash = CredentialHash.of(token)
        if let record = try await server.stores.tokens.find(tokenHash: tokenHash), record.clientID == client.client.id {
            _ = try await server.stores.tokens.revoke(tokenHash: tokenHash, now: now)
            if record.kind == .refreshToken, let grantID = record.grantID {
                _ = try await server.stores.tokens.revokeAll(grantID: grantID, now: now)
            }
        }
        // §2.2: "The content of the response body is ignored by the client"; an empty JSON object keeps the one writer.
        return Responses.json(.object([:]))
    }
}
