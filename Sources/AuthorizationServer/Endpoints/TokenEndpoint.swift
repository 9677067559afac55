import Foundation
import Hummingbird
import OAuthCore

/// OAuth 2.0 token endpoint (RFC 6749 §3.2, §5.1–5.2).
///
/// Steps: parse the form → authenticate the client (its assertion's `jti` recorded after the DPoP check) → check the `grant_type` is one Kura implements and the client is
/// registered for → verify the DPoP proof (RFC 9449 §4.3; a server nonce where configured, §8) and bind the sender →
/// dispatch by exact key → JSON response with `Cache-Control: no-store`.
struct TokenEndpoint: Sendable {
    let server: OAuthServer

    /// The grants Kura implements. SP §5.3.2.1-2: never the resource owner password credentials grant; implicit has no
    /// token-endpoint grant at all.
    static let grantTypes: Set<String> = ["authorization_code", "refresh_token", "client_credentials"]

    func handle(_ request: Request, context: KuraRequestContext) async throws -> Response {
        let form = try await request.formParameters()
        let client = try await AuthenticateClient(server: server)(form, certificate: context.clientCertificate, deferAssertionReplayCheck: true)
        let grantType = try form.required("grant_type")
        guard Self.grantTypes.contains(grantType) else {
            throw OAuthError(.unsupportedGrantType, "grant_type \(grantType.prefix(40)) is not supported")
        }
        guard client.client.grantTypes.contains(grantType) else {
            throw OAuthError(.unauthorizedClient, "This client is not registered for the \(grantType) grant")
        }
        let verifyProof = VerifyDPoPProof(server: server)
        let dpop = try await verifyProof.verifyWithoutRecording(
            headers: request.headerValues("DPoP"), method: "POST", url: server.configuration.url(OAuthServer.Path.token),
            clientID: client.client.id)
        // After the DPoP nonce check, so a use_dpop_nonce refusal leaves the assertion unused for the retry; both
        // jtis in one transaction.
        try await client.recordSingleUse(in: server.stores.replay, with: dpop.map { [verifyProof.replayEntry($0)] } ?? [])
        let certificate = await context.clientCertificateDER()
        // SP §5.3.2.1-4: decided before any grant consumes anything, so a client that forgot the proof can retry.
        let sender = try BindSender()(dpop: dpop, clientCertificateDER: certificate, client: client.client)
        let body: JSONValue
        switch grantType {
        case "refresh_token":
            body = try await RefreshTokenGrant(server: server).exchange(
                form, client: client, sender: sender, certificateThumbprint: certificate.map(SenderBinding.certificateThumbprint(der:)))
        case "client_credentials":
            body = try await ClientCredentialsGrant(server: server).exchange(form, client: client, sender: sender)
        default: // authorization_code, the only other member of `grantTypes`
            body = try await AuthorizationCodeGrant(server: server).exchange(form, client: client, sender: sender)
        }
        // RFC 9449 §8.2: a fresh server nonce with every response to a client whose proofs need one.
        return Responses.json(body, headers: try await DPoPNonceCheck(server: server).successHeaders(clientID: client.client.id))
    }
}
