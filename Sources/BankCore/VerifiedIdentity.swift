import Foundation
import OAuthCore

/// A customer's identity as the bank verified it at account opening (本人確認, under the Act on Prevention of Transfer
/// of Criminal Proceeds), held in the OpenID Connect for Identity Assurance 1.0 `verified_claims` shape:
/// `{"verification": {"trust_framework", "time", "verification_process", "evidence": [...]}, "claims": {...}}`.
public struct VerifiedIdentity: Sendable, Hashable {
    public var userID: String
    /// The `verified_claims` object (OIDC4IDA §5).
    public var verifiedClaims: JSONValue
    public var updatedAt: Date

    public init(userID: String, verifiedClaims: JSONValue, updatedAt: Date) {
        self.userID = userID
        self.verifiedClaims = verifiedClaims
        self.updatedAt = updatedAt
    }
}
