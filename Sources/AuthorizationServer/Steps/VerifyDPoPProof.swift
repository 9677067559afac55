import Foundation
import OAuthCore
import OAuthJOSE

/// Validates the `DPoP` header of a request (RFC 9449 §4.3) and records the proof's `jti` so it cannot be
/// replayed (§11.1). Used at the PAR endpoint (§10.1) and the token endpoint (§5).
struct VerifyDPoPProof: Sendable {
    let server: OAuthServer

    /// Returns nil when the request carries no DPoP header.
    /// - Parameter clientID: the authenticated client at the PAR and token endpoints, for the server-nonce check
    ///   (RFC 9449 §8, `ServerConfiguration.dpopNonce`). With `accessToken` (a resource request) no AS nonce is
    ///   checked; a resource server demands its own with `DPoPNonceCheck.resourceServer` (§9).
    func callAsFunction(headers: [String], method: String, url: String, accessToken: String? = nil,
                        clientID: String? = nil) async throws -> VerifiedDPoPProof? {
        guard !headers.isEmpty else { return nil }
        let lifetimes = server.configuration.lifetimes
        let verifier = DPoPProofVerifier(allowedAlgorithms: server.configuration.acceptedAlgorithms, maxAge: lifetimes.dpopProofMaxAge)
        let proof = try verifier.verify(headerValues: headers, method: method, url: url, accessToken: accessToken, now: server.clock.now())
        if accessToken == nil { try await DPoPNonceCheck(server: server).authorizationServer(proof, clientID: clientID) }
        let fresh = try await server.stores.replay.recordFirstUse(
            namespace: "dpop:\(proof.jkt)", id: proof.jti,
            expiresAt: proof.issuedAt.addingTimeInterval(lifetimes.dpopProofMaxAge + 60))
        guard fresh else { throw OAuthError.invalidDPoPProof("The DPoP proof was already used (jti replay)") }
        return proof
    }
}
