import AuthorizationServer
import Foundation
import PostgresNIO

/// Grants in the `grants` table.
struct PostgresGrantStore: GrantStore {
    let db: PostgresDatabase

    func insert(_ grant: GrantRecord) async throws {
        let scope = try PostgresCoding.json(grant.scope)
        let details = try PostgresCoding.json(grant.authorizationDetails)
        let createdAt = PostgresCoding.millis(grant.createdAt), updatedAt = PostgresCoding.millis(grant.updatedAt)
        let expiresAt = PostgresCoding.millis(grant.expiresAt), revokedAt = PostgresCoding.millis(grant.revokedAt)
        try await db.insert(
            """
            INSERT INTO grants (id, client_id, user_id, scope, authorization_details, created_at, updated_at,
                                expires_at, revoked_at)
            VALUES (\(grant.id), \(grant.clientID), \(grant.userID), \(scope), \(details), \(createdAt), \(updatedAt),
                    \(expiresAt), \(revokedAt))
            """,
            duplicate: "grant \(grant.id)")
    }

    func find(id: String) async throws -> GrantRecord? {
        try await db.row("SELECT * FROM grants WHERE id = \(id)").map(GrantRecord.init(postgresRow:))
    }

    /// Newest first; grants created in the same millisecond are ordered by id (byte order), descending.
    func list(userID: String) async throws -> [GrantRecord] {
        try await db.rows(
            #"SELECT * FROM grants WHERE user_id = \#(userID) ORDER BY created_at DESC, id COLLATE "C" DESC"#
        ).map(GrantRecord.init(postgresRow:))
    }

    /// Sets `revoked_at` and `updated_at` to `now` unless the grant was revoked before.
    func revoke(id: String, now: Date) async throws -> Bool {
        let now = PostgresCoding.millis(now)
        return try await !db.rows(
            """
            UPDATE grants SET revoked_at = \(now), updated_at = \(now)
            WHERE id = \(id) AND revoked_at IS NULL
            RETURNING id
            """
        ).isEmpty
    }
}
