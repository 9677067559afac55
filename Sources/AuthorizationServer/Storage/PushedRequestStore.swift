import Foundation
import OAuthCore

/// A pushed authorization request (RFC 9126 §2.2): what the `request_uri` refers to.
public struct PushedRequestRecord: Sendable, Codable, Hashable {
    /// SHA-256 of the random reference in `urn:ietf:params:oauth:request_uri:<reference>`.
    public var key: String
    /// The client it is bound to (RFC 9126 §2.2: "MUST be bound to the client that posted").
    public var clientID: String
    public var request: AuthorizationRequest
    public var createdAt: Date
    public var expiresAt: Date

    public init(key: String, clientID: String, request: AuthorizationRequest, createdAt: Date, expiresAt: Date) {
        self.key = key
        self.clientID = clientID
        self.request = request
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// Pushed authorization requests. Loading does not consume (a reload of the login page works);
/// consuming happens at the point of authorization (FAPI 2.0 SP §5.3.2.2 Note 3).
public protocol PushedRequestStore: Sendable {
    func insert(_ record: PushedRequestRecord) async throws
    /// The request if it exists, is not consumed and not expired at `now`.
    func find(key: String, now: Date) async throws -> PushedRequestRecord?
    /// Atomically marks it used. Expired → `.expired` (RFC 9126 §4: "An expired request_uri MUST be rejected").
    func consume(key: String, now: Date) async throws -> ConsumeResult<PushedRequestRecord>
}
