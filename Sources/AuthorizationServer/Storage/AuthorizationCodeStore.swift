import Foundation
import OAuthCore

/// An issued authorization code, stored by hash (RFC 6749 §4.1.2; FAPI 2.0 SP §5.3.2.1-11, §5.3.2.2-9).
public struct AuthorizationCodeRecord: Sendable, Codable, Hashable {
    /// SHA-256 of the code.
    public var codeHash: String
    public var clientID: String
    public var userID: String
    public var grantID: String
    /// The pushed request the code answers: redirect_uri, PKCE challenge, scope, nonce, dpop_jkt, details.
    public var request: AuthorizationRequest
    public var authTime: Date
    public var acr: String
    public var amr: [String]
    public var issuedAt: Date
    public var expiresAt: Date

    public init(codeHash: String, clientID: String, userID: String, grantID: String, request: AuthorizationRequest,
                authTime: Date, acr: String, amr: [String], issuedAt: Date, expiresAt: Date) {
        self.codeHash = codeHash
        self.clientID = clientID
        self.userID = userID
        self.grantID = grantID
        self.request = request
        self.authTime = authTime
        self.acr = acr
        self.amr = amr
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}

/// Authorization codes. `consume` MUST be atomic; on replay it returns `.alreadyConsumed(record)` so the
/// token endpoint can revoke the grant (RFC 6749 §4.1.2).
public protocol AuthorizationCodeStore: Sendable {
    func insert(_ record: AuthorizationCodeRecord) async throws
    /// Consumes the code. With a `clientID`, only that client's code is touched (RFC 6749 §4.1.3: the code must have
    /// been issued to the authenticated client): another client's attempt returns `.notFound` and leaves the code
    /// usable by its own client, so a client that obtained someone else's code can neither redeem nor burn it.
    func consume(codeHash: String, clientID: String?, now: Date) async throws -> ConsumeResult<AuthorizationCodeRecord>
}

extension AuthorizationCodeStore {
    /// Consumes the code whoever it was issued to.
    public func consume(codeHash: String, now: Date) async throws -> ConsumeResult<AuthorizationCodeRecord> {
        try await consume(codeHash: codeHash, clientID: nil, now: now)
    }
}
