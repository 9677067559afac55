import AuthorizationServer
import Foundation
import GRDB

/// Pushed authorization requests (RFC 9126) in the `pushed_requests` table.
///
/// `consume` is one conditional `UPDATE … SET consumed_at … WHERE consumed_at IS NULL AND expires_at > now
/// RETURNING *` in a write transaction; when it matches nothing, a read in the same transaction tells
/// `.alreadyConsumed` (consumed before, even if also expired since), `.expired` and `.notFound` apart.
struct SQLitePushedRequestStore: PushedRequestStore {
    let db: any DatabaseWriter

    func insert(_ record: PushedRequestRecord) async throws {
        let request = try SQLiteCoding.json(record.request)
        try await db.write { db in
            try mappingDuplicate("pushed request") {
                try db.cachedStatement(sql: """
                        INSERT INTO pushed_requests (request_key, client_id, request, created_at, expires_at)
                        VALUES (?, ?, ?, ?, ?)
                        """).execute(arguments: [record.key, record.clientID, request, SQLiteCoding.millis(record.createdAt),
                                SQLiteCoding.millis(record.expiresAt)])
            }
        }
    }

    func find(key: String, now: Date) async throws -> PushedRequestRecord? {
        try await db.readOnLoop { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM pushed_requests WHERE request_key = ? AND consumed_at IS NULL AND expires_at > ?"),
                arguments: [key, SQLiteCoding.millis(now)]
            ).map(PushedRequestRecord.init(sqliteRow:))
        }
    }

    func consume(key: String, now: Date) async throws -> ConsumeResult<PushedRequestRecord> {
        let now = SQLiteCoding.millis(now)
        return try await db.write { db in
            if let row = try Row.fetchOne(
                db.cachedStatement(sql: """
                    UPDATE pushed_requests SET consumed_at = ?
                    WHERE request_key = ? AND consumed_at IS NULL AND expires_at > ?
                    RETURNING *
                    """),
                arguments: [now, key, now])
            {
                return .consumed(try PushedRequestRecord(sqliteRow: row))
            }
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM pushed_requests WHERE request_key = ?"),
                arguments: [key])
            else { return .notFound }
            if try row.value("consumed_at", as: Int64?.self) != nil {
                return .alreadyConsumed(try PushedRequestRecord(sqliteRow: row))
            }
            return .expired
        }
    }
}
