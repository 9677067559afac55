import Foundation
import OAuthCore
import OAuthJOSE

/// Signed request objects at the PAR endpoint (JAR, RFC 9101 §6; RFC 9126 §3; FAPI 2.0 Message Signing §5.3.1):
/// chooses the parameters the authorization request is built from.
///
/// With a `request` parameter, the request object is verified with the client's registered keys and ONLY its claims
/// are used: the other form parameters are ignored (RFC 9101 §6.3), except those of client authentication, which
/// `AuthenticateClient` already consumed. Without one, the form parameters are the request, unless the server
/// (`Features.requireSignedRequestObjects`) or the client (`require_signed_request_object`, RFC 9101 §10.5) demands
/// a request object: then the request is refused with `invalid_request` (conformance suite
/// `ensure-unsigned-request-at-par-endpoint-fails`).
struct VerifyRequestObject: Sendable {
    let server: OAuthServer

    func callAsFunction(_ form: FormParameters, client: Client) async throws -> FormParameters {
        // RFC 9126 §2.1: "The request_uri authorization request parameter ... MUST NOT be provided", signed or not.
        if form.value("request_uri") != nil { throw OAuthError.invalidRequest("request_uri must not be sent to the PAR endpoint") }
        guard let requestObject = form.value("request") else {
            if server.configuration.features.requireSignedRequestObjects || Self.requiresSignedRequestObject(client) {
                throw OAuthError.invalidRequest("The authorization request must be sent as a signed request object (request parameter)")
            }
            return form
        }
        let kid: String?
        do { kid = try CompactJWS.parse(requestObject, maximumLength: RequestObjectVerifier.maximumLength).kid } catch {
            throw OAuthError(.invalidRequestObject, "request object rejected: \(error.reason)")
        }
        let verifier = RequestObjectVerifier(issuer: server.configuration.issuer, allowedAlgorithms: try algorithms(for: client))
        let keys = try await server.clientKeys.keys(for: client, kid: kid)
        return try verifier.verify(requestObject, clientID: client.id, keys: keys, now: server.clock.now()).formParameters
    }

    /// The accepted algorithms (SP §5.4.1-1), narrowed to the client's `request_object_signing_alg` when it registered
    /// one (OIDC Dynamic Client Registration §2: "All Request Objects from this Client MUST be rejected, if not signed
    /// with this algorithm").
    private func algorithms(for client: Client) throws(OAuthError) -> Set<JWSAlgorithm> {
        let accepted = server.configuration.acceptedAlgorithms
        guard let registered = client.metadata["request_object_signing_alg"]?.stringValue else { return accepted }
        guard let alg = JWSAlgorithm(rawValue: registered), accepted.contains(alg) else {
            throw OAuthError(.invalidRequestObject, "The client's request_object_signing_alg is not accepted by this server")
        }
        return [alg]
    }

    /// RFC 9101 §10.5 client metadata `require_signed_request_object`.
    static func requiresSignedRequestObject(_ client: Client) -> Bool {
        client.metadata["require_signed_request_object"]?.boolValue == true
    }
}
