import AuthorizationServer
import Foundation
import PostgresNIO

/// Authorization interactions in the `sessions` table. A session is live while `expires_at > now`.
struct PostgresSessionStore: SessionStore {
    let db: PostgresDatabase

    func insert(_ session: AuthorizationSession) async throws {
        let amr = try PostgresCoding.json(session.amr)
        let authTime = PostgresCoding.millis(session.authTime)
        let createdAt = PostgresCoding.millis(session.createdAt), expiresAt = PostgresCoding.millis(session.expiresAt)
        try await db.insert(
            """
            INSERT INTO sessions (id_hash, request_key, client_id, csrf_hash, user_id, auth_time, amr, acr,
                                  created_at, expires_at)
            VALUES (\(session.idHash), \(session.requestKey), \(session.clientID), \(session.csrfHash), \(session.userID),
                    \(authTime), \(amr), \(session.acr), \(createdAt), \(expiresAt))
            """,
            duplicate: "authorization session")
    }

    func find(idHash: String, now: Date) async throws -> AuthorizationSession? {
        let now = PostgresCoding.millis(now)
        return try await db.row("SELECT * FROM sessions WHERE id_hash = \(idHash) AND expires_at > \(now)")
            .map(AuthorizationSession.init(postgresRow:))
    }

    func markAuthenticated(idHash: String, userID: String, authTime: Date, amr: [String], acr: String, now: Date) async throws -> Bool {
        let amrJSON = try PostgresCoding.json(amr)
        let authTime = PostgresCoding.millis(authTime), now = PostgresCoding.millis(now)
        return try await !db.rows(
            """
            UPDATE sessions SET user_id = \(userID), auth_time = \(authTime), amr = \(amrJSON), acr = \(acr)
            WHERE id_hash = \(idHash) AND expires_at > \(now)
            RETURNING id_hash
            """
        ).isEmpty
    }

    func delete(idHash: String) async throws -> Bool {
        try await !db.rows("DELETE FROM sessions WHERE id_hash = \(idHash) RETURNING id_hash").isEmpty
    }
}
