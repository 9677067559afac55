import Foundation

/// Single-use identifiers: client-assertion `jti` (RFC 7523 §3), DPoP proof `jti` (RFC 9449 §11.1).
///
/// `recordFirstUse` is one atomic statement (INSERT … ON CONFLICT DO NOTHING): of two concurrent uses
/// of the same id exactly one returns true.
public protocol ReplayCache: Sendable {
    /// Returns true if `id` was not seen before in `namespace` (and records it until `expiresAt`);
    /// false if it is a replay.
    func recordFirstUse(namespace: String, id: String, expiresAt: Date) async throws -> Bool
    /// Records several identifiers in one transaction, all or none: returns nil when every one was new (all are
    /// now recorded), else the first one already seen (and none is recorded). One write instead of one per
    /// identifier on the token endpoint, where a request carries a client-assertion `jti` and a DPoP `jti`.
    func recordFirstUse(_ entries: [ReplayEntry]) async throws -> ReplayEntry?
    /// Deletes entries that expired before `now`; returns how many.
    func purge(now: Date) async throws -> Int
}

/// One single-use identifier for `ReplayCache.recordFirstUse(_:)`.
public struct ReplayEntry: Sendable, Hashable {
    public var namespace: String
    public var id: String
    public var expiresAt: Date

    public init(namespace: String, id: String, expiresAt: Date) {
        self.namespace = namespace
        self.id = id
        self.expiresAt = expiresAt
    }
}
