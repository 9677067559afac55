import AuthorizationServer
import Foundation
import GRDB

/// Single-use identifiers in the `replay_cache` table, primary key `(namespace, id)`.
///
/// An identifier stays "seen" until `purge` removes it, even past its `expiresAt`: a late replay is
/// still refused (the callers' `iat`/`exp` windows make such a replay invalid anyway).
struct SQLiteReplayCache: ReplayCache {
    let db: any DatabaseWriter

    func recordFirstUse(namespace: String, id: String, expiresAt: Date) async throws -> Bool {
        try await db.write { db in
            try db.cachedStatement(sql: "INSERT INTO replay_cache (namespace, id, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                .execute(arguments: [namespace, id, SQLiteCoding.millis(expiresAt)])
            return db.changesCount == 1
        }
    }

    func recordFirstUse(_ entries: [ReplayEntry]) async throws -> ReplayEntry? {
        do {
            try await db.write { db in
                for entry in entries {
                    try db.cachedStatement(sql: "INSERT INTO replay_cache (namespace, id, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                        .execute(arguments: [entry.namespace, entry.id, SQLiteCoding.millis(entry.expiresAt)])
                    if db.changesCount != 1 { throw AlreadySeen(entry: entry) }   // rolls the transaction back
                }
            }
            return nil
        } catch let seen as AlreadySeen {
            return seen.entry
        }
    }

    func purge(now: Date) async throws -> Int {
        try await db.write { db in
            try db.cachedStatement(sql: "DELETE FROM replay_cache WHERE expires_at < ?")
                .execute(arguments: [SQLiteCoding.millis(now)])
            return db.changesCount
        }
    }
}

/// Thrown inside a write transaction to roll it back when an identifier was already recorded.
struct AlreadySeen: Error {
    let entry: ReplayEntry
}
