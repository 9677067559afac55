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
        guard let proof = try await verifyWithoutRecording(headers: headers, method: method, url: url, accessToken: accessToken,
                                                           clientID: clientID)
        else { return nil }
        guard try await server.stores.replay.recordFirstUse([replayEntry(proof)]) == nil else {
            throw OAuthError.invalidDPoPProof("The DPoP proof was already used (jti replay)")
        }
        return proof
    }

    /// Every check but the replay cache: the caller records `replayEntry(proof)` itself, together with other
    /// single-use values in one transaction (`AuthenticatedClient.recordSingleUse`).
    func verifyWithoutRecording(headers: [String], method: String, url: String, accessToken: String? = nil,
                                clientID: String? = nil) async throws -> VerifiedDPoPProof? {
        guard !headers.isEmpty else { return nil }
        let lifetimes = server.configuration.lifetimes
        let verifier = DPoPProofVerifier(allowedAlgorithms: server.configuration.acceptedAlgorithms, maxAge: lifetimes.dpopProofMaxAge)
        let proof = try verifier.verify(headerValues: headers, method: method, url: url, accessToken: accessToken, now: server.clock.now())
        if accessToken == nil { try await DPoPNonceCheck(server: server).authorizationServer(proof, clientID: clientID) }
        return proof
    }

    /// RFC 9449 §11.1: a proof's `jti` is remembered for as long as the proof could be accepted.
    func replayEntry(_ proof: VerifiedDPoPProof) -> ReplayEntry {
        ReplayEntry(namespace: "dpop:\(proof.jkt)", id: proof.jti,
                    expiresAt: proof.issuedAt.addingTimeInterval(server.configuration.lifetimes.dpopProofMaxAge + 60))
    }
}
