import Crypto
import Foundation
import HTTPTypes
import OAuthCore
import OAuthJOSE

/// Server-provided DPoP nonces (RFC 9449 §4.3 check 10, §8 at the authorization server, §9 at a resource server):
/// checks the `nonce` of a verified proof and mints fresh ones with `DPoPNonces`.
public struct DPoPNonceCheck: Sendable {
    let server: OAuthServer
    let nonces: DPoPNonces

    /// A check for the authorization server, or with `purpose: .resourceServer` for a protected resource.
    public init(server: OAuthServer, purpose: DPoPNonces.Purpose = .authorizationServer) {
        self.server = server
        nonces = DPoPNonces(issuer: server.configuration.issuer, window: server.configuration.dpopNonce.effectiveWindow, purpose: purpose)
    }

    /// RFC 9449 §8: when `clientID`'s proofs need a nonce and `proof` has no valid one, a 400 `use_dpop_nonce` error
    /// whose `DPoP-Nonce` header carries a fresh nonce.
    public func authorizationServer(_ proof: VerifiedDPoPProof, clientID: String?) async throws {
        guard server.configuration.dpopNonce.isRequired(for: clientID) else { return }
        guard try await !isValid(proof.nonce) else { return }
        let description = proof.nonce == nil ? "Authorization server requires nonce in DPoP proof" : "The DPoP nonce is invalid or has expired"
        throw OAuthError(.useDPoPNonce, description, headers: ["DPoP-Nonce": try await freshNonce()])
    }

    /// RFC 9449 §9, for a resource server that demands nonces: a 401 with `WWW-Authenticate: DPoP
    /// error="use_dpop_nonce"` and a fresh `DPoP-Nonce` when `proof` has no valid resource-server nonce.
    /// Build the step with `purpose: .resourceServer`, so authorization-server nonces are not accepted there.
    public func resourceServer(_ proof: VerifiedDPoPProof) async throws {
        guard try await !isValid(proof.nonce) else { return }
        let description = proof.nonce == nil ? "Resource server requires nonce in DPoP proof" : "The DPoP nonce is invalid or has expired"
        let algorithms = server.configuration.acceptedAlgorithms.map(\.rawValue).sorted().joined(separator: " ")
        throw OAuthError(.useDPoPNonce, description, headers: [
            "WWW-Authenticate": "DPoP error=\"use_dpop_nonce\", error_description=\"\(description)\", algs=\"\(algorithms)\"",
            "DPoP-Nonce": try await freshNonce(),
        ], status: 401)
    }

    /// `DPoP-Nonce` with a fresh nonce for a successful response to `clientID` (RFC 9449 §8.2: a server may supply
    /// a new nonce in any response), or no header when its proofs need none.
    public func successHeaders(clientID: String?) async throws -> HTTPFields {
        guard server.configuration.dpopNonce.isRequired(for: clientID) else { return [:] }
        return [HTTPField.Name("DPoP-Nonce")!: try await freshNonce()]
    }

    /// A nonce for the current window, minted with the active signing key.
    public func freshNonce() async throws -> String {
        let signing = try await server.keys.signingKey()
        guard let d = signing.privateJWKJSON["d"]?.stringValue else { throw OAuthError.serverError(detail: "signing key without d") }
        return nonces.nonce(at: server.clock.now(), key: try nonces.key(privateD: d, kid: signing.kid))
    }

    /// Whether `nonce` was minted by a Kura node of this database in an acceptable window: first with the active
    /// signing key, then with every key in the key store (rotation; see `DPoPNonces`).
    public func isValid(_ nonce: String?) async throws -> Bool {
        guard let nonce, let parsed = nonces.parse(nonce, now: server.clock.now()) else { return false }
        let signing = try await server.keys.signingKey()
        if let d = signing.privateJWKJSON["d"]?.stringValue,
           nonces.isAuthentic(window: parsed.window, tag: parsed.tag, key: try nonces.key(privateD: d, kid: signing.kid)) {
            return true
        }
        for record in try await server.stores.keys.list() where record.kid != signing.kid {
            guard let d = record.privateJWK["d"]?.stringValue else { continue }
            if nonces.isAuthentic(window: parsed.window, tag: parsed.tag, key: try nonces.key(privateD: d, kid: record.kid)) { return true }
        }
        return false
    }
}
