import Foundation
import Hummingbird
import OAuthCore
import OAuthJOSE

/// Pushed Authorization Request endpoint (RFC 9126 §2; FAPI 2.0 SP §5.3.2.2-2/-4/-12).
///
/// Steps, in order: parse the form (duplicates rejected) → authenticate the client → take the parameters from a
/// signed request object if there is one (JAR, RFC 9126 §3, RFC 9101) → validate the request → validate a DPoP proof
/// (with a server nonce where configured, RFC 9449 §8) and bind the code to its key (§10.1) → store →
/// 201 `{request_uri, expires_in}`.
struct PushedAuthorizationEndpoint: Sendable {
    static let requestURIPrefix = "urn:ietf:params:oauth:request_uri:"
    let server: OAuthServer

    func handle(_ request: Request, context: KuraRequestContext) async throws -> Response {
        let form = try await request.formParameters()
        let client = try await AuthenticateClient(server: server)(form, certificate: context.clientCertificate, deferAssertionReplayCheck: true)
        let parameters = try await VerifyRequestObject(server: server)(form, client: client.client)
        var authorizationRequest = try ParseAuthorizationRequest(configuration: server.configuration, authorizationDetails: server.authorizationDetails)(parameters, client: client.client)
        try await bindDPoPKey(request, to: &authorizationRequest)
        // Once the request is valid and any DPoP nonce was met: a refused request leaves the assertion unused.
        try await client.recordAssertionUse(in: server.stores.replay)
        let nonceHeaders = try await DPoPNonceCheck(server: server).successHeaders(clientID: client.client.id)

        let reference = server.random.token()
        let now = server.clock.now()
        let lifetime = server.configuration.lifetimes.requestURI
        try await server.stores.pushedRequests.insert(PushedRequestRecord(
            key: CredentialHash.of(reference), clientID: client.client.id, request: authorizationRequest,
            createdAt: now, expiresAt: now.addingTimeInterval(lifetime)))
        return Responses.json(["request_uri": .string(Self.requestURIPrefix + reference), "expires_in": .int(Int64(lifetime))], status: .created,
                              headers: nonceHeaders)
    }

    /// RFC 9449 §10.1: a DPoP header at PAR binds the code to its key; if `dpop_jkt` is also sent they must
    /// match ("the authorization server MUST reject the request if the JWK Thumbprint in dpop_jkt does not match").
    private func bindDPoPKey(_ request: Request, to authorizationRequest: inout AuthorizationRequest) async throws {
        let proof = try await VerifyDPoPProof(server: server)(
            headers: request.headerValues("DPoP"), method: "POST", url: server.configuration.url(OAuthServer.Path.par),
            clientID: authorizationRequest.clientID)
        guard let proof else { return }
        if let jkt = authorizationRequest.dpopJKT, jkt != proof.jkt {
            throw OAuthError.invalidDPoPProof("dpop_jkt does not match the key of the DPoP proof")
        }
        authorizationRequest.dpopJKT = proof.jkt
    }
}
