import Foundation
import OAuthCore

/// What a customer granted a client: scopes and RFC 9396 authorization details. Tokens hang off a grant.
public struct GrantRecord: Sendable, Codable, Hashable {
    public var id: String
    public var clientID: String
    public var userID: String
    public var scope: [String]
    public var authorizationDetails: JSONValue?
    public var createdAt: Date
    public var updatedAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(id: String, clientID: String, userID: String, scope: [String], authorizationDetails: JSONValue?,
                createdAt: Date, updatedAt: Date, expiresAt: Date?, revokedAt: Date? = nil) {
        self.id = id
        self.clientID = clientID
        self.userID = userID
        self.scope = scope
        self.authorizationDetails = authorizationDetails
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// Grants.
public protocol GrantStore: Sendable {
    func insert(_ grant: GrantRecord) async throws
    func find(id: String) async throws -> GrantRecord?
    /// Grants of a customer, newest first.
    func list(userID: String) async throws -> [GrantRecord]
    /// Marks the grant revoked at `now` (idempotent). Returns whether it existed and was not revoked before.
    func revoke(id: String, now: Date) async throws -> Bool
}
