import AuthorizationServer
import Foundation
import GRDB

/// Grants in the `grants` table.
struct SQLiteGrantStore: GrantStore {
    let db: any DatabaseWriter

    func insert(_ grant: GrantRecord) async throws {
        let scope = try SQLiteCoding.json(grant.scope)
        let details = try SQLiteCoding.json(grant.authorizationDetails)
        try await db.write { db in
            try mappingDuplicate("grant \(grant.id)") {
                try db.cachedStatement(sql: """
                        INSERT INTO grants (id, client_id, user_id, scope, authorization_details, created_at, updated_at,
                                            expires_at, revoked_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """).execute(arguments: [grant.id, grant.clientID, grant.userID, scope, details,
                                SQLiteCoding.millis(grant.createdAt), SQLiteCoding.millis(grant.updatedAt),
                                SQLiteCoding.millis(grant.expiresAt), SQLiteCoding.millis(grant.revokedAt)])
            }
        }
    }

    func find(id: String) async throws -> GrantRecord? {
        try await db.readOnLoop { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM grants WHERE id = ?"),
                arguments: [id]).map(GrantRecord.init(sqliteRow:))
        }
    }

    /// Newest first; grants created in the same millisecond are ordered by id, descending.
    func list(userID: String) async throws -> [GrantRecord] {
        try await db.readOnLoop { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM grants WHERE user_id = ? ORDER BY created_at DESC, id DESC"), arguments: [userID]
            ).map(GrantRecord.init(sqliteRow:))
        }
    }

    /// Sets `revoked_at` and `updated_at` to `now` unless the grant was revoked before.
    func revoke(id: String, now: Date) async throws -> Bool {
        let now = SQLiteCoding.millis(now)
        return try await db.write { db in
            try db.cachedStatement(sql: "UPDATE grants SET revoked_at = ?, updated_at = ? WHERE id = ? AND revoked_at IS NULL")
                .execute(arguments: [now, now, id])
            return db.changesCount == 1
        }
    }
}
