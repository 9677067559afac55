import AuthorizationServer
import Foundation
import GRDB

/// Authorization codes in the `authorization_codes` table, keyed by the code's hash.
///
/// `consume` is one conditional `UPDATE … SET consumed_at … WHERE consumed_at IS NULL AND expires_at > now
/// RETURNING *` in a write transaction. When it matches nothing, a read in the same transaction decides:
/// consumed before → `.alreadyConsumed(record)` even if it has also expired since (the caller must still
/// revoke the grant), otherwise `.expired`, or `.notFound`.
struct SQLiteAuthorizationCodeStore: AuthorizationCodeStore {
    let db: any DatabaseWriter

    func insert(_ record: AuthorizationCodeRecord) async throws {
        let request = try SQLiteCoding.json(record.request)
        let amr = try SQLiteCoding.json(record.amr)
        try await db.write { db in
            try mappingDuplicate("authorization code") {
                try db.cachedStatement(sql: """
                        INSERT INTO authorization_codes (code_hash, client_id, user_id, grant_id, request, auth_time, acr,
                                                         amr, issued_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """).execute(arguments: [record.codeHash, record.clientID, record.userID, record.grantID, request,
                                SQLiteCoding.millis(record.authTime), record.acr, amr,
                                SQLiteCoding.millis(record.issuedAt), SQLiteCoding.millis(record.expiresAt)])
            }
        }
    }

    func consume(codeHash: String, clientID: String?, now: Date) async throws -> ConsumeResult<AuthorizationCodeRecord> {
        let now = SQLiteCoding.millis(now)
        return try await db.write { db in
            if let row = try Row.fetchOne(
                db.cachedStatement(sql: """
                    UPDATE authorization_codes SET consumed_at = ?
                    WHERE code_hash = ? AND consumed_at IS NULL AND expires_at > ? AND (? IS NULL OR client_id = ?)
                    RETURNING *
                    """),
                arguments: [now, codeHash, now, clientID, clientID])
            {
                return .consumed(try AuthorizationCodeRecord(sqliteRow: row))
            }
            guard let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM authorization_codes WHERE code_hash = ?"), arguments: [codeHash])
            else { return .notFound }
            if let clientID, try row.value("client_id", as: String.self) != clientID { return .notFound }
            if try row.value("consumed_at", as: Int64?.self) != nil {
                return .alreadyConsumed(try AuthorizationCodeRecord(sqliteRow: row))
            }
            return .expired
        }
    }
}
