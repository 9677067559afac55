import Foundation

/// Single-use identifiers: client-assertion `jti` (RFC 7523 §3), DPoP proof `jti` (RFC 9449 §11.1).
///
/// `recordFirstUse` is one atomic statement (INSERT … ON CONFLICT DO NOTHING): of two concurrent uses
/// of the same id exactly one returns true.
public protocol ReplayCache: Sendable {
    /// Returns true if `id` was not seen before in `namespace` (and records it until `expiresAt`);
    /// false if it is a replay.
    func recordFirstUse(namespace: String, id: String, expiresAt: Date) async throws -> Bool
    /// Deletes entries that expired before `now`; returns how many.
    func purge(now: Date) async throws -> Int
}
