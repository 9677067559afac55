import Foundation
import Hummingbird
import OAuthCore

/// OAuth 2.0 token endpoint (RFC 6749 §3.2, §5.1–5.2).
///
/// Steps: parse the form → authenticate the client → verify the DPoP proof (RFC 9449 §4.3) → dispatch on
/// `grant_type` by exact key → JSON response with `Cache-Control: no-store`.
struct TokenEndpoint: Sendable {
    let server: OAuthServer

    func handle(_ request: Request, context: KuraRequestContext) async throws -> Response {
        let form = try await request.formParameters()
        let client = try await AuthenticateClient(server: server)(form)
        let grantType = try form.required("grant_type")
        guard client.client.grantTypes.contains(grantType) || grantType == "password" else {
            throw OAuthError(.unauthorizedClient, "This client is not registered for the \(grantType.prefix(40)) grant")
        }
        let dpop = try await VerifyDPoPProof(server: server)(
            headers: request.headerValues("DPoP"), method: "POST", url: server.configuration.url(OAuthServer.Path.token))
        // SP §5.3.2.1-4: decided before any grant consumes anything, so a client that forgot the proof can retry.
        let sender = try BindSender()(dpop: dpop, clientCertificateDER: await context.clientCertificateDER())
        switch grantType {
        case "authorization_code":
            return Responses.json(try await AuthorizationCodeGrant(server: server).exchange(form, client: client, sender: sender))
        default:
            // SP §5.3.2.1-2: the resource owner password credentials grant is rejected; other grants come with
            // the features that enable them.
            throw OAuthError(.unsupportedGrantType, "grant_type \(grantType.prefix(40)) is not supported")
        }
    }
}
