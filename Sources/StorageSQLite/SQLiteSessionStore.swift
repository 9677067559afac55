import AuthorizationServer
import Foundation
import GRDB

/// Authorization interactions in the `sessions` table. A session is live while `expires_at > now`.
struct SQLiteSessionStore: SessionStore {
    let db: any DatabaseWriter

    func insert(_ session: AuthorizationSession) async throws {
        let amr = try SQLiteCoding.json(session.amr)
        try await db.write { db in
            try mappingDuplicate("authorization session") {
                try db.cachedStatement(sql: """
                        INSERT INTO sessions (id_hash, request_key, client_id, csrf_hash, user_id, auth_time, amr, acr,
                                              created_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                        .execute(arguments: [session.idHash, session.requestKey, session.clientID, session.csrfHash, session.userID,
                                SQLiteCoding.millis(session.authTime), amr, session.acr,
                                SQLiteCoding.millis(session.createdAt), SQLiteCoding.millis(session.expiresAt)])
            }
        }
    }

    func find(idHash: String, now: Date) async throws -> AuthorizationSession? {
        try await db.readOnLoop { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?"),
                arguments: [idHash, SQLiteCoding.millis(now)]
            ).map(AuthorizationSession.init(sqliteRow:))
        }
    }

    func markAuthenticated(idHash: String, userID: String, authTime: Date, amr: [String], acr: String, now: Date) async throws -> Bool {
        let amrJSON = try SQLiteCoding.json(amr)
        return try await db.write { db in
            try db.cachedStatement(sql: """
                    UPDATE sessions SET user_id = ?, auth_time = ?, amr = ?, acr = ?
                    WHERE id_hash = ? AND expires_at > ?
                    """)
                    .execute(arguments: [userID, SQLiteCoding.millis(authTime), amrJSON, acr, idHash, SQLiteCoding.millis(now)])
            return db.changesCount == 1
        }
    }

    func delete(idHash: String) async throws -> Bool {
        try await db.write { db in
            try db.cachedStatement(sql: "DELETE FROM sessions WHERE id_hash = ?").execute(arguments: [idHash])
            return db.changesCount > 0
        }
    }
}
