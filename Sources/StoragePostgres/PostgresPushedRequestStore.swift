import AuthorizationServer
import Foundation
import PostgresNIO

/// Pushed authorization requests (RFC 9126) in the `pushed_requests` table.
///
/// `consume` is one conditional `UPDATE … SET consumed_at … WHERE consumed_at IS NULL AND expires_at > now
/// RETURNING *`: of concurrent attempts exactly one matches. When it matches nothing, a follow-up read
/// tells `.alreadyConsumed` (consumed before, even if also expired since), `.expired` and `.notFound`
/// apart; that read cannot be misled by a race, since a row only ever goes from unconsumed to consumed.
struct PostgresPushedRequestStore: PushedRequestStore {
    let db: PostgresDatabase

    func insert(_ record: PushedRequestRecord) async throws {
        let request = try PostgresCoding.json(record.request)
        let createdAt = PostgresCoding.millis(record.createdAt), expiresAt = PostgresCoding.millis(record.expiresAt)
        try await db.insert(
            """
            INSERT INTO pushed_requests (request_key, client_id, request, created_at, expires_at)
            VALUES (\(record.key), \(record.clientID), \(request), \(createdAt), \(expiresAt))
            """,
            duplicate: "pushed request")
    }

    func find(key: String, now: Date) async throws -> PushedRequestRecord? {
        let now = PostgresCoding.millis(now)
        return try await db.row(
            """
            SELECT * FROM pushed_requests
            WHERE request_key = \(key) AND consumed_at IS NULL AND expires_at > \(now)
            """
        ).map(PushedRequestRecord.init(postgresRow:))
    }

    func consume(key: String, now: Date) async throws -> ConsumeResult<PushedRequestRecord> {
        let now = PostgresCoding.millis(now)
        if let row = try await db.row(
            """
            UPDATE pushed_requests SET consumed_at = \(now)
            WHERE request_key = \(key) AND consumed_at IS NULL AND expires_at > \(now)
            RETURNING *
            """)
        {
            return .consumed(try PushedRequestRecord(postgresRow: row))
        }
        guard let row = try await db.row("SELECT * FROM pushed_requests WHERE request_key = \(key)") else {
            return .notFound
        }
        if try row.value("consumed_at", as: Int64?.self) != nil {
            return .alreadyConsumed(try PushedRequestRecord(postgresRow: row))
        }
        return .expired
    }
}
