import Foundation
import OAuthCore

/// A registered client as stored: its RFC 7591 metadata, already validated against the profile.
public struct ClientRecord: Sendable, Codable, Hashable {
    public var clientID: String
    /// RFC 7591 §2 client metadata (redirect_uris, jwks, token_endpoint_auth_method, …).
    public var metadata: [String: JSONValue]
    /// SHA-256 of the RFC 7592 registration access token, if the client was registered dynamically.
    public var registrationAccessTokenHash: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(clientID: String, metadata: [String: JSONValue], registrationAccessTokenHash: String? = nil, createdAt: Date, updatedAt: Date) {
        self.clientID = clientID
        self.metadata = metadata
        self.registrationAccessTokenHash = registrationAccessTokenHash
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Registered clients (RFC 7591 / `kura clients add`).
public protocol ClientStore: Sendable {
    /// - Throws: `StorageError.duplicate` when the client_id exists.
    func insert(_ client: ClientRecord) async throws
    /// - Throws: `StorageError.notFound` when it does not exist.
    func update(_ client: ClientRecord) async throws
    func find(clientID: String) async throws -> ClientRecord?
    /// Returns whether a client was deleted.
    func delete(clientID: String) async throws -> Bool
    /// All clients, ordered by client_id.
    func list() async throws -> [ClientRecord]
}
