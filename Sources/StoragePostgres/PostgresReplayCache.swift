import AuthorizationServer
import Foundation
import PostgresNIO

/// Single-use identifiers in the `replay_cache` table, primary key `(namespace, id)`.
///
/// `recordFirstUse` is `INSERT … ON CONFLICT DO NOTHING RETURNING`: a concurrent insert of the same key
/// waits for the first to commit and then inserts nothing, so exactly one caller sees a row. An
/// identifier stays "seen" until `purge` removes it, even past its `expiresAt`.
struct PostgresReplayCache: ReplayCache {
    let db: PostgresDatabase

    func recordFirstUse(namespace: String, id: String, expiresAt: Date) async throws -> Bool {
        let expiresAt = PostgresCoding.millis(expiresAt)
        return try await !db.rows(
            """
            INSERT INTO replay_cache (namespace, id, expires_at) VALUES (\(namespace), \(id), \(expiresAt))
            ON CONFLICT DO NOTHING
            RETURNING id
            """
        ).isEmpty
    }

    func recordFirstUse(_ entries: [ReplayEntry]) async throws -> ReplayEntry? {
        do {
            try await db.client.withTransaction(logger: db.logger) { connection in
                for entry in entries {
                    let expiresAt = PostgresCoding.millis(entry.expiresAt)
                    let inserted = try await connection.query(
                        """
                        INSERT INTO replay_cache (namespace, id, expires_at) VALUES (\(entry.namespace), \(entry.id), \(expiresAt))
                        ON CONFLICT DO NOTHING
                        RETURNING id
                        """, logger: db.logger
                    ).collect()
                    if inserted.isEmpty { throw AlreadySeen(entry: entry) }   // rolls the transaction back
                }
            }
            return nil
        } catch let error as PostgresTransactionError {
            if let seen = error.closureError as? AlreadySeen { return seen.entry }
            throw error
        }
    }

    func purge(now: Date) async throws -> Int {
        let now = PostgresCoding.millis(now)
        return try await db.rows("DELETE FROM replay_cache WHERE expires_at < \(now) RETURNING id").count
    }
}

/// Thrown inside a transaction to roll it back when an identifier was already recorded.
struct AlreadySeen: Error {
    let entry: ReplayEntry
}
